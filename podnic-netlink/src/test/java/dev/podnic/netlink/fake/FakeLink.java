package dev.podnic.netlink.fake;

import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Link;

/** Mutable link state inside a fake namespace. */
final class FakeLink {
    final int index;
    String name;
    final String kind;
    MacAddress mac;
    int mtu;
    int masterIndex;
    boolean up;
    boolean learning = true;
    /** The other end of a veth, or null. */
    FakeLink peer;
    FakeNamespace peerNamespace;
    final int minMtu;
    final int maxMtu;

    FakeLink(int index, String name, String kind, MacAddress mac, int mtu, int minMtu, int maxMtu) {
        this.index = index;
        this.name = name;
        this.kind = kind;
        this.mac = mac;
        this.mtu = mtu;
        this.minMtu = minMtu;
        this.maxMtu = maxMtu;
    }

    Link snapshot() {
        return new Link(index, name, kind, mac, mtu, masterIndex, up);
    }
}
