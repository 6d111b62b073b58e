package dev.podnic.netlink.wire;

import static dev.podnic.netlink.wire.Rtnl.*;

import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** RTM_*ROUTE requests and replies (rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags). */
public final class RouteCodec {
    private static final int RTMSG_LEN = 12;
    private static final int RTNEXTHOP_LEN = 8;

    private RouteCodec() {
    }

    public static byte[] dump(Family family) {
        return new NlMessageBuilder(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP)
                .u8(family.af()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0).build();
    }

    /** Every family's routes in one dump (AF_UNSPEC): IPv4, IPv6, and others the kernel has (multicast, MPLS). */
    public static byte[] dumpAll() {
        return new NlMessageBuilder(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP)
                .u8(AF_UNSPEC).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0).build();
    }

    /** Whether a route message is of IPv4 or IPv6 (an AF_UNSPEC dump also answers with multicast and MPLS routes). */
    public static boolean isInet(NlMessage m) {
        int family = m.payload().get(0) & 0xff;
        return family == AF_INET || family == AF_INET6;
    }

    public static byte[] add(Route r) {
        return message(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, r);
    }

    public static byte[] replace(Route r) {
        return message(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, r);
    }

    public static byte[] delete(Route r) {
        return message(RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, r);
    }

    private static byte[] message(int type, int flags, Route r) {
        boolean v4 = r.destination().isIpv4();
        NlMessageBuilder m = new NlMessageBuilder(type, flags)
                .u8(v4 ? AF_INET : AF_INET6).u8(r.destination().prefixLength()).u8(0).u8(0)
                .u8(r.table() < 256 ? r.table() : 0).u8(r.protocol()).u8(r.scope().code()).u8(RTN_UNICAST)
                .u32(r.onLink() ? RTNH_F_ONLINK : 0);
        if (r.destination().prefixLength() > 0) {
            m.attr(RTA_DST, r.destination().address().getAddress());
        }
        if (r.gateway() != null) {
            m.attr(RTA_GATEWAY, r.gateway().getAddress());
        }
        if (r.linkIndex() != 0) {
            m.attrU32(RTA_OIF, r.linkIndex());
        }
        if (r.metric() != null) {
            m.attrU32(RTA_PRIORITY, r.metric());
        }
        if (r.source() != null) {
            m.attr(RTA_PREFSRC, r.source().getAddress());
        }
        if (r.table() >= 256) {
            m.attrU32(RTA_TABLE, r.table());
        }
        return m.build();
    }

    public static Route decode(NlMessage m) {
        ByteBuffer p = m.payload();
        int family = p.get(0) & 0xff;
        int dstLen = p.get(1) & 0xff;
        int table = p.get(4) & 0xff;
        int protocol = p.get(5) & 0xff;
        int scope = p.get(6) & 0xff;
        int flags = p.getInt(8);
        Map<Integer, ByteBuffer> a = m.attributes(RTMSG_LEN);
        if (a.containsKey(RTA_TABLE)) {
            table = NlMessage.u32(a.get(RTA_TABLE));
        }
        InetAddress dst = a.containsKey(RTA_DST) ? address(a.get(RTA_DST)) : zero(family);
        return new Route(new IpNet(dst, dstLen),
                a.containsKey(RTA_GATEWAY) ? address(a.get(RTA_GATEWAY)) : null,
                a.containsKey(RTA_OIF) ? NlMessage.u32(a.get(RTA_OIF)) : 0,
                Scope.of(scope),
                a.containsKey(RTA_PRIORITY) ? NlMessage.u32(a.get(RTA_PRIORITY)) : null,
                table, (flags & RTNH_F_ONLINK) != 0, protocol,
                a.containsKey(RTA_PREFSRC) ? address(a.get(RTA_PREFSRC)) : null);
    }

    /**
     * A route as the table holds it, one per next hop: a multipath route (RTA_MULTIPATH — what IPv6
     * makes of a second route to the same destination and metric through another link) comes back as
     * one route per next hop, each with its own gateway and link. For IPv6 that is the kernel's own
     * model (sibling routes), so deleting one of them deletes that next hop only.
     */
    public static List<Route> decodeNexthops(NlMessage m) {
        Route r = decode(m);
        ByteBuffer hops = m.attributes(RTMSG_LEN).get(RTA_MULTIPATH);
        if (hops == null) {
            return List.of(r);
        }
        List<Route> out = new ArrayList<>();
        int pos = 0;
        while (pos + RTNEXTHOP_LEN <= hops.limit()) { // struct rtnexthop: len u16, flags u8, hops u8, ifindex s32; attributes
            int len = hops.getShort(pos) & 0xffff;
            if (len < RTNEXTHOP_LEN || pos + len > hops.limit()) {
                break;
            }
            int flags = hops.get(pos + 2) & 0xff;
            Map<Integer, ByteBuffer> a = NlMessage.parseAttributes(hops, pos + RTNEXTHOP_LEN, pos + len);
            out.add(new Route(r.destination(), a.containsKey(RTA_GATEWAY) ? address(a.get(RTA_GATEWAY)) : null, hops.getInt(pos + 4),
                    r.scope(), r.metric(), r.table(), r.onLink() || (flags & RTNH_F_ONLINK) != 0, r.protocol(), r.source()));
            pos += NlMessage.align(len);
        }
        return out;
    }

    /** The route type (RTN_UNICAST = 1, local = 2, broadcast = 3, ...). */
    public static int type(NlMessage m) {
        return m.payload().get(7) & 0xff;
    }

    private static InetAddress address(ByteBuffer b) {
        try {
            return InetAddress.getByAddress(NlMessage.bytes(b));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static InetAddress zero(int family) {
        try {
            return InetAddress.getByAddress(new byte[family == AF_INET6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
