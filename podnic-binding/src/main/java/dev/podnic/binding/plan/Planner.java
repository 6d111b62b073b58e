package dev.podnic.binding.plan;

import dev.podnic.api.VNic;
import dev.podnic.api.VmiSpec;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.IpConfig;
import dev.podnic.cni.result.ResultInterface;
import dev.podnic.cni.result.Route;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Spec + CNI result + pod facts → the desired state of one vNIC. Pure: no I/O, so every case is a
 * unit test.
 *
 * <p>Routes for the guest, in install order: on-link /32 routes to the bridge's address (the DHCP
 * server: without it unicast renewals are lost) and to the gateway (plugins like ptp hand out a
 * gateway that is not on a shared L2), then the routes from the result and from the interface,
 * then the default route. DHCP option 121 carries them all, since a client that receives it
 * ignores the router option (RFC 3442).
 */
public final class Planner {
    public static final int LEASE_SECONDS = 86400;

    private Planner() {
    }

    /** The bridge's link-local /32 for vNIC {@code index}: 169.254.75.(index + 1). */
    public static IpNet bridgeAddress(int index) {
        int n = index + 1; // 169.254.75.1 for vmi0, on into 169.254.76.x … for indexes past 254 (up to vmi999)
        return IpNet.parse("169.254." + (75 + n / 256) + "." + (n % 256) + "/32");
    }

    /**
     * The bridge's address for vNIC {@code index}'s DHCPv6 server: fd70:6f64:6e69:63::(index + 1) (a
     * unique-local prefix of podnic's own, "podnic" in ASCII), added without a prefix route. dnsmasq
     * serves DHCPv6 only on an interface holding a non-link-local address whose prefix is no longer
     * than the range's, so it carries the guest's prefix length; {@code shared-network} then ties the
     * guest's prefix to the bridge, as for IPv4.
     */
    public static IpNet dhcpv6Address(int index, int prefixLength) {
        return IpNet.parse("fd70:6f64:6e69:63::" + Integer.toHexString(index + 1) + "/" + prefixLength);
    }

    public static VNicPlan plan(VmiSpec vmi, VNic nic, CniResult result, PodFacts pod) {
        String where = "vNIC " + nic.name() + " (" + nic.vmiInterface() + ")";
        Optional<IpConfig> v4 = address(result, nic.vmiInterface(), true);
        Optional<IpConfig> v6 = address(result, nic.vmiInterface(), false);
        if (v4.isEmpty() && v6.isEmpty()) {
            throw new PlanException(where + ": the CNI result has no address to hand to the guest (result: " + result.ips() + ")");
        }
        List<String> search = result.dns().search();
        List<InetAddress> resolv4 = pod.resolvNameservers().stream().filter(a -> a instanceof Inet4Address).toList();
        List<InetAddress> resolv6 = pod.resolvNameservers().stream().filter(a -> a instanceof Inet6Address).toList();
        List<InetAddress> dns4 = nameservers(result, Inet4Address.class);
        List<InetAddress> dns6 = nameservers(result, Inet6Address.class);
        if (dns4.isEmpty() && dns6.isEmpty()) { // CNI gave no DNS: the pod's own resolvers
            dns4 = resolv4;
            dns6 = resolv6;
            if (search.isEmpty()) {
                search = pod.resolvSearch();
            }
        }
        List<InetAddress> guestDns6 = ipv6Dns(dns6);
        GuestIpv6 ipv6 = v6.map(ip -> ipv6(ip, result, pod, guestDns6)).orElse(null);
        IpNet dhcpv6 = ipv6 == null ? null : dhcpv6Address(nic.index(), ipv6.address().prefixLength());
        IpNet bridgeAddress = bridgeAddress(nic.index());
        if (v4.isEmpty()) {
            GuestConfig guest = new GuestConfig(null, null, List.of(), pod.mtu(), List.of(), search, result.dns().domain(),
                    vmi.name(), LEASE_SECONDS, ipv6);
            return new VNicPlan(nic, nic.vmiInterface(), nic.bridge(), bridgeAddress, guest, dhcpv6);
        }
        IpConfig ip = v4.get();
        InetAddress gateway = ip.gateway() != null ? ip.gateway() : defaultGateway(result, pod.interfaceRoutes(), true).orElse(null);
        // Routed networks (ptp) replace the subnet's on-link route by "SUBNET via GW": neighbours are
        // reached through the gateway, not by ARP. DHCP cannot remove the on-link route a mask implies,
        // so such a guest gets its address as /32 plus that route.
        IpNet subnet = ip.address().network();
        boolean routedSubnet = routed(pod, subnet);
        IpNet guestAddress = routedSubnet ? new IpNet(ip.address().address(), 32) : ip.address();

        List<GuestRoute> routes = new ArrayList<>();
        routes.add(new GuestRoute(bridgeAddress, null));
        if (gateway != null) {
            routes.add(new GuestRoute(new IpNet(gateway, 32), null));
        }
        Set<IpNet> seen = new LinkedHashSet<>();
        routes.forEach(r -> seen.add(r.destination()));
        List<GuestRoute> candidates = new ArrayList<>();
        for (Route r : result.routes()) {
            if (r.dst().isIpv4()) {
                candidates.add(new GuestRoute(r.dst(), r.gw() != null ? r.gw() : gateway));
            }
        }
        pod.interfaceRoutes().stream().filter(r -> r.destination().isIpv4()).forEach(candidates::add);
        GuestRoute defaultRoute = null;
        for (GuestRoute r : candidates) {
            if (!seen.add(r.destination()) || (!routedSubnet && r.destination().equals(subnet))) {
                continue; // duplicates, and the guest's own subnet (the address and mask imply it)
            }
            if (r.destination().prefixLength() == 0) {
                defaultRoute = r;
            } else {
                routes.add(r);
            }
        }
        if (defaultRoute == null && gateway != null) {
            defaultRoute = new GuestRoute(IpNet.parse("0.0.0.0/0"), gateway);
        }
        if (defaultRoute != null) {
            routes.add(defaultRoute);
        }
        GuestConfig guest = new GuestConfig(guestAddress, gateway, routes, pod.mtu(), dns4, search,
                result.dns().domain(), vmi.name(), LEASE_SECONDS, ipv6);
        return new VNicPlan(nic, nic.vmiInterface(), nic.bridge(), bridgeAddress, guest, dhcpv6);
    }

    /**
     * The IPv6 gateway of the VMI interface: the address's own, else the next hop of the default
     * route (from the result, else as the plugins installed it). The engine asks the link for its
     * link-local address before stripping the interface.
     */
    public static Optional<InetAddress> ipv6Gateway(CniResult result, String vmiInterface, List<GuestRoute> interfaceRoutes) {
        Optional<IpConfig> v6 = address(result, vmiInterface, false);
        if (v6.isEmpty()) {
            return Optional.empty();
        }
        if (v6.get().gateway() != null) {
            return Optional.of(v6.get().gateway());
        }
        return defaultGateway(result, interfaceRoutes, false);
    }

    private static GuestIpv6 ipv6(IpConfig ip, CniResult result, PodFacts pod, List<InetAddress> dns) {
        InetAddress gateway = ip.gateway() != null ? ip.gateway() : defaultGateway(result, pod.interfaceRoutes(), false).orElse(null);
        // The default route's next hop when it is link-local already (Calico's fe80::ecee:eeff:feee:eeee), else the
        // link-local address the gateway answered from.
        InetAddress router = defaultGateway(result, pod.interfaceRoutes(), false).filter(InetAddress::isLinkLocalAddress)
                .or(() -> Optional.ofNullable(gateway).filter(InetAddress::isLinkLocalAddress))
                .orElse(pod.routerLinkLocal());
        return new GuestIpv6(ip.address(), !routed(pod, ip.address().network()), gateway, router, dns);
    }

    /** Nameservers for the guest over DHCPv6; link-local ones cannot be handed out without their link. */
    private static List<InetAddress> ipv6Dns(List<InetAddress> dns) {
        return dns.stream().filter(a -> !a.isLinkLocalAddress()).toList();
    }

    private static List<InetAddress> nameservers(CniResult result, Class<? extends InetAddress> family) {
        List<InetAddress> dns = new ArrayList<>();
        for (String s : result.dns().nameservers()) {
            try {
                InetAddress a = IpLiteral.parse(s);
                if (family.isInstance(a)) {
                    dns.add(a);
                }
            } catch (IllegalArgumentException ignored) {
                // a nameserver the guest could not use anyway
            }
        }
        return dns;
    }

    /** The plugin replaced the subnet's on-link route by one through the gateway (ptp). */
    private static boolean routed(PodFacts pod, IpNet subnet) {
        return pod.interfaceRoutes().stream().anyMatch(r -> r.destination().equals(subnet) && r.gateway() != null);
    }

    /** The result's address of one family on the VMI interface (by the result's interface index), else its first of that family. */
    static Optional<IpConfig> address(CniResult result, String vmiInterface, boolean ipv4) {
        List<IpConfig> v4 = result.ips().stream().filter(ip -> ip.isIpv4() == ipv4).toList();
        for (IpConfig ip : v4) {
            Integer i = ip.interfaceIndex();
            if (i != null && i < result.interfaces().size()) {
                ResultInterface ri = result.interfaces().get(i);
                if (ri.name().equals(vmiInterface) && ri.sandbox() != null && !ri.sandbox().isEmpty()) {
                    return Optional.of(ip);
                }
            }
        }
        return v4.stream().findFirst();
    }

    /** The next hop of the default route of one family: the result's, else the one the plugins installed. */
    private static Optional<InetAddress> defaultGateway(CniResult result, List<GuestRoute> interfaceRoutes, boolean ipv4) {
        Optional<InetAddress> fromResult = result.routes().stream()
                .filter(r -> r.dst().isIpv4() == ipv4 && r.dst().prefixLength() == 0 && r.gw() != null).map(Route::gw).findFirst();
        return fromResult.isPresent() ? fromResult : interfaceRoutes.stream()
                .filter(r -> r.destination().isIpv4() == ipv4 && r.destination().prefixLength() == 0 && r.gateway() != null)
                .map(GuestRoute::gateway).findFirst();
    }
}
