package dev.podnic.netlink.wire;

import static dev.podnic.netlink.wire.Rtnl.*;

import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Scope;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Map;

/** RTM_*ADDR requests and replies (ifaddrmsg: family, prefixlen, flags, scope, index). */
public final class AddressCodec {
    private static final int IFADDR_LEN = 8;

    private AddressCodec() {
    }

    public static byte[] dump() {
        return new NlMessageBuilder(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP).u8(AF_UNSPEC).u8(0).u8(0).u8(0).u32(0).build();
    }

    /** IPv6 addresses skip duplicate address detection: podnic owns the link and the address. */
    public static byte[] add(int index, IpNet address, Scope scope) {
        return add(index, address, scope, true);
    }

    /** @param prefixRoute false: "noprefixroute", the kernel adds no route to the address's prefix */
    public static byte[] add(int index, IpNet address, Scope scope, boolean prefixRoute) {
        return message(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, index, address, scope, true,
                prefixRoute);
    }

    public static byte[] delete(int index, IpNet address) {
        return message(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, index, address, Scope.UNIVERSE, false, true);
    }

    private static byte[] message(int type, int flags, int index, IpNet address, Scope scope, boolean adding,
                                  boolean prefixRoute) {
        byte[] raw = address.address().getAddress();
        boolean v4 = address.isIpv4();
        NlMessageBuilder m = new NlMessageBuilder(type, flags)
                .u8(v4 ? AF_INET : AF_INET6).u8(address.prefixLength()).u8(0).u8(scope.code()).u32(index)
                .attr(IFA_LOCAL, raw).attr(IFA_ADDRESS, raw);
        int addFlags = (adding && !v4 ? IFA_F_NODAD : 0) | (adding && !prefixRoute ? IFA_F_NOPREFIXROUTE : 0);
        if (addFlags != 0) {
            m.attrU32(IFA_FLAGS, addFlags);
        }
        return m.build();
    }

    public static Address decode(NlMessage m) {
        ByteBuffer p = m.payload();
        int prefix = p.get(1) & 0xff;
        int scope = p.get(3) & 0xff;
        int index = p.getInt(4);
        Map<Integer, ByteBuffer> a = m.attributes(IFADDR_LEN);
        ByteBuffer addr = a.containsKey(IFA_LOCAL) ? a.get(IFA_LOCAL) : a.get(IFA_ADDRESS);
        try {
            return new Address(index, new IpNet(InetAddress.getByAddress(NlMessage.bytes(addr)), prefix), Scope.of(scope));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of length " + addr.remaining(), e);
        }
    }
}
