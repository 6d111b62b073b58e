package dev.podnic.netlink;

import dev.podnic.inet.MacAddress;

/**
 * A network interface as the kernel reports it.
 *
 * @param kind        the rtnetlink kind ("bridge", "veth", "tun", "dummy"), empty for none (lo)
 * @param mac         null for links without one
 * @param masterIndex index of the bridge this link is a port of, 0 when none
 * @param up          administratively up (IFF_UP)
 */
public record Link(int index, String name, String kind, MacAddress mac, int mtu, int masterIndex, boolean up) {

    public boolean hasMaster() {
        return masterIndex != 0;
    }
}
