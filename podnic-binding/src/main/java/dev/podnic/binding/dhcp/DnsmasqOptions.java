package dev.podnic.binding.dhcp;

import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.GuestIpv6;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The dnsmasq options (long names, without "--") that hand one vNIC exactly its plan. Shared by
 * both backends: the dnsmasq backend passes them on the command line, the libvirt backend as
 * {@code <dnsmasq:options>} of the network.
 *
 * <p>dnsmasq only leases addresses of a subnet it sees on the interface; the bridge holds only a
 * link-local /32 (and for DHCPv6 an address of podnic's own prefix, see {@code Planner.dhcpv6Address}),
 * so {@code shared-network} ties the pod subnet (and IPv6 prefix) to the bridge and a static
 * {@code dhcp-range} with a {@code dhcp-host} for the vNIC's MAC does the rest. No DNS service
 * ({@code port=0}): it would clash between networks and the guest uses the pod's resolvers.
 */
public final class DnsmasqOptions {
    private DnsmasqOptions() {
    }

    public static List<String> dhcp(VNicPlan plan) {
        return dhcp(plan, false);
    }

    /**
     * @param anyClient serve the plan to whichever client asks on the bridge, not only the vNIC's MAC:
     *                  for the host side of the KubeVirt binding, which wires the pod before anyone
     *                  knows the VM's MAC. The bridge's only other port is the VM's tap, and the VMI
     *                  interface lets no DHCP through (see {@code DhcpIsolation}).
     */
    public static List<String> dhcp(VNicPlan plan, boolean anyClient) {
        GuestConfig g = plan.guest();
        GuestIpv6 v6 = g.ipv6();
        List<String> o = new ArrayList<>();
        o.add("port=0");
        String host = "dhcp-host=" + (anyClient ? "*:*:*:*:*:*" : plan.vnic().mac().toString());
        if (g.address() != null) {
            IpNet subnet = g.address().network();
            o.add("shared-network=" + plan.bridge() + "," + subnet.address().getHostAddress());
            o.add("dhcp-range=" + subnet.address().getHostAddress() + ",static," + mask(g.address().prefixLength()) + ","
                    + g.leaseSeconds());
            host += "," + g.address().address().getHostAddress();
        }
        if (v6 != null) {
            // Stateful DHCPv6 for exactly this address; router advertisements are podnic-ra's (see RouterAdvertisements).
            IpNet prefix = v6.address().network();
            o.add("shared-network=" + plan.bridge() + "," + IpLiteral.format(prefix.address()));
            o.add("dhcp-range=" + IpLiteral.format(prefix.address()) + ",static," + prefix.prefixLength() + "," + g.leaseSeconds());
            host += ",[" + IpLiteral.format(v6.address().address()) + "]";
        }
        o.add(host + "," + g.hostname() + "," + g.leaseSeconds());
        if (g.address() != null) {
            if (g.gateway() != null) {
                o.add("dhcp-option=option:router," + g.gateway().getHostAddress());
            } else {
                o.add("dhcp-option=option:router"); // no router at all, rather than the server's address
            }
            o.add("dhcp-option=option:classless-static-route," + ClasslessRoutes.dnsmasq(g.routes()));
            o.add("dhcp-option=option:mtu," + g.mtu());
            if (!g.dnsServers().isEmpty()) {
                o.add("dhcp-option=option:dns-server," + g.dnsServers().stream().map(InetAddress::getHostAddress)
                        .collect(Collectors.joining(",")));
            }
            if (!g.searchDomains().isEmpty()) {
                o.add("dhcp-option=option:domain-search," + String.join(",", g.searchDomains()));
            }
            if (g.domain() != null && !g.domain().isEmpty()) {
                o.add("dhcp-option=option:domain-name," + g.domain());
            }
        }
        if (v6 != null) {
            // Without servers, an empty option: dnsmasq would otherwise offer its own address (which serves no DNS).
            o.add("dhcp-option=option6:dns-server" + v6.dnsServers().stream().map(a -> ",[" + IpLiteral.format(a) + "]")
                    .collect(Collectors.joining()));
            if (!g.searchDomains().isEmpty()) {
                o.add("dhcp-option=option6:domain-search," + String.join(",", g.searchDomains()));
            }
        }
        o.add("dhcp-authoritative");
        return o;
    }

    static String mask(int prefix) {
        long m = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return ((m >> 24) & 0xff) + "." + ((m >> 16) & 0xff) + "." + ((m >> 8) & 0xff) + "." + (m & 0xff);
    }
}
