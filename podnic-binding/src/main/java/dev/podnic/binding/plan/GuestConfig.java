package dev.podnic.binding.plan;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.List;

/**
 * Exactly what the guest NIC must get: by DHCP the CNI-assigned IPv4 address and prefix, gateway,
 * routes (in the order to install them: on-link routes first, the default route last), MTU, DNS,
 * hostname and lease time; over IPv6 what {@link GuestIpv6} says.
 *
 * @param address the IPv4 address; null on an IPv6-only network (then gateway is null and routes and dnsServers empty)
 * @param ipv6    null on an IPv4-only network
 */
public record GuestConfig(IpNet address, InetAddress gateway, List<GuestRoute> routes, int mtu, List<InetAddress> dnsServers,
                          List<String> searchDomains, String domain, String hostname, int leaseSeconds, GuestIpv6 ipv6) {

    public GuestConfig(IpNet address, InetAddress gateway, List<GuestRoute> routes, int mtu, List<InetAddress> dnsServers,
                       List<String> searchDomains, String domain, String hostname, int leaseSeconds) {
        this(address, gateway, routes, mtu, dnsServers, searchDomains, domain, hostname, leaseSeconds, null);
    }

    public GuestConfig {
        routes = List.copyOf(routes);
        dnsServers = List.copyOf(dnsServers);
        searchDomains = List.copyOf(searchDomains);
    }

    /** The guest's addresses, IPv4 first: what podnic prints. */
    public List<IpNet> addresses() {
        List<IpNet> all = new java.util.ArrayList<>();
        if (address != null) {
            all.add(address);
        }
        if (ipv6 != null) {
            all.add(ipv6.address());
        }
        return all;
    }
}
