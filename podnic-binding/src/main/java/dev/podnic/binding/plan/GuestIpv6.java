package dev.podnic.binding.plan;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.List;

/**
 * What the guest gets over IPv6. Its address by stateful DHCPv6 (a client installs it as a /128);
 * by router advertisements sent in the name of the network's gateway: the gateway as its default
 * router, the MTU, and the address's prefix as on-link where the network's prefix is on-link (a
 * bridge), not where the plugin routes it through the gateway (ptp).
 *
 * @param gateway the gateway's address as CNI gave it (global, or link-local); null: none
 * @param router  the gateway's link-local address, the advertisements' source; null when it could
 *                not be learned: no default route is advertised then
 */
public record GuestIpv6(IpNet address, boolean onLink, InetAddress gateway, InetAddress router, List<InetAddress> dnsServers) {

    public GuestIpv6 {
        dnsServers = List.copyOf(dnsServers);
    }
}
