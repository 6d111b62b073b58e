package dev.podnic.binding.plan;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.List;

/**
 * Exactly what the guest NIC must get by DHCP: the CNI-assigned address and prefix, gateway,
 * routes (in the order to install them: on-link routes first, the default route last), MTU, DNS,
 * hostname and lease time.
 */
public record GuestConfig(IpNet address, InetAddress gateway, List<GuestRoute> routes, int mtu, List<InetAddress> dnsServers,
                          List<String> searchDomains, String domain, String hostname, int leaseSeconds) {

    public GuestConfig {
        routes = List.copyOf(routes);
        dnsServers = List.copyOf(dnsServers);
        searchDomains = List.copyOf(searchDomains);
    }
}
