package dev.podnic.netlink.wire;

import static dev.podnic.netlink.wire.Rtnl.*;

import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Link;
import java.nio.ByteBuffer;
import java.util.Map;

/** RTM_*LINK requests and replies. A link is named by IFLA_IFNAME with index 0 where the kernel allows it. */
public final class LinkCodec {
    private static final int IFINFO_LEN = 16;

    private LinkCodec() {
    }

    public static byte[] dump() {
        return new NlMessageBuilder(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP).ifinfo(AF_UNSPEC, 0, 0, 0).build();
    }

    public static byte[] get(String name) {
        return new NlMessageBuilder(RTM_GETLINK, NLM_F_REQUEST).ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name).build();
    }

    /** A new link of {@code kind} ("bridge", "dummy") with no kind-specific data. */
    public static byte[] create(String name, String kind) {
        return new NlMessageBuilder(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name)
                .nested(IFLA_LINKINFO, li -> li.attrString(IFLA_INFO_KIND, kind))
                .build();
    }

    /** A veth pair; the peer goes into the namespace open as {@code peerNetnsFd} (-1: this one). */
    public static byte[] createVeth(String name, String peerName, int peerNetnsFd) {
        return new NlMessageBuilder(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name)
                .nested(IFLA_LINKINFO, li -> li.attrString(IFLA_INFO_KIND, "veth")
                        .nested(IFLA_INFO_DATA, data -> data.nested(VETH_INFO_PEER, peer -> {
                            peer.ifinfo(AF_UNSPEC, 0, 0, 0).attrString(IFLA_IFNAME, peerName);
                            if (peerNetnsFd >= 0) {
                                peer.attrU32(IFLA_NET_NS_FD, peerNetnsFd);
                            }
                        })))
                .build();
    }

    private static NlMessageBuilder set(String name) {
        return new NlMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name);
    }

    public static byte[] setUp(String name, boolean up) {
        return new NlMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, 0, up ? IFF_UP : 0, IFF_UP)
                .attrString(IFLA_IFNAME, name).build();
    }

    public static byte[] setMtu(String name, int mtu) {
        return set(name).attrU32(IFLA_MTU, mtu).build();
    }

    public static byte[] setMac(String name, MacAddress mac) {
        return set(name).attr(IFLA_ADDRESS, mac.bytes()).build();
    }

    /**
     * One request for what `ip link set NAME mtu MTU master BRIDGE up` asks: the MTU (left as it is when
     * {@code mtu <= 0}), the bridge by index, and up — the kernel applies them in one go.
     */
    public static byte[] plug(String name, int mtu, int masterIndex) {
        NlMessageBuilder b = new NlMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, 0, IFF_UP, IFF_UP)
                .attrString(IFLA_IFNAME, name);
        if (mtu > 0) {
            b.attrU32(IFLA_MTU, mtu);
        }
        return b.attrU32(IFLA_MASTER, masterIndex).build();
    }

    /** Master by index; 0 releases the link from its bridge. */
    public static byte[] setMaster(String name, int masterIndex) {
        return set(name).attrU32(IFLA_MASTER, masterIndex).build();
    }

    /** Renaming needs the index: the name attribute then carries the new name. */
    public static byte[] rename(int index, String newName) {
        return new NlMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, index, 0, 0)
                .attrString(IFLA_IFNAME, newName).build();
    }

    /** Bridge port learning: AF_BRIDGE SETLINK with IFLA_PROTINFO{IFLA_BRPORT_LEARNING}. */
    public static byte[] setLearning(int portIndex, boolean on) {
        return new NlMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_BRIDGE, portIndex, 0, 0)
                .nested(IFLA_PROTINFO | NLA_F_NESTED, p -> p.attrU8(IFLA_BRPORT_LEARNING, on ? 1 : 0))
                .build();
    }

    /** Puts a link in device group {@code group} (what {@code ip link set NAME group G} does). */
    public static byte[] setGroup(int index, int group) {
        return new NlMessageBuilder(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, index, 0, 0)
                .attrU32(IFLA_GROUP, group).build();
    }

    /** Deletes every link of device group {@code group} at once ({@code ip link delete group G}). */
    public static byte[] deleteGroup(int group) {
        return new NlMessageBuilder(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrU32(IFLA_GROUP, group).build();
    }

    /** A link's device group (0, the default group, when the kernel sends none). */
    public static int group(NlMessage m) {
        ByteBuffer g = m.attributes(IFINFO_LEN).get(IFLA_GROUP);
        return g == null ? 0 : NlMessage.u32(g);
    }

    public static byte[] delete(String name) {
        return new NlMessageBuilder(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name).build();
    }

    public static Link decode(NlMessage m) {
        ByteBuffer p = m.payload();
        int index = p.getInt(4);
        int flags = p.getInt(8);
        Map<Integer, ByteBuffer> a = m.attributes(IFINFO_LEN);
        String kind = "";
        ByteBuffer info = a.get(IFLA_LINKINFO);
        if (info != null) {
            ByteBuffer k = NlMessage.parseAttributes(info, 0, info.limit()).get(IFLA_INFO_KIND);
            kind = k == null ? "" : NlMessage.string(k);
        }
        ByteBuffer mac = a.get(IFLA_ADDRESS);
        return new Link(index, NlMessage.string(a.get(IFLA_IFNAME)), kind,
                mac != null && mac.remaining() == 6 ? new MacAddress(NlMessage.bytes(mac)) : null,
                a.containsKey(IFLA_MTU) ? NlMessage.u32(a.get(IFLA_MTU)) : 0,
                a.containsKey(IFLA_MASTER) ? NlMessage.u32(a.get(IFLA_MASTER)) : 0,
                (flags & IFF_UP) != 0);
    }
}
