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

    public static VNicPlan plan(VmiSpec vmi, VNic nic, CniResult result, PodFacts pod) {
        String where = "vNIC " + nic.name() + " (" + nic.vmiInterface() + ")";
        IpConfig ip = address(result, nic.vmiInterface()).orElseThrow(() -> new PlanException(where
                + ": the CNI result has no IPv4 address to hand to the guest (result: " + result.ips() + ")"));
        IpNet bridgeAddress = bridgeAddress(nic.index());
        InetAddress gateway = ip.gateway() != null ? ip.gateway() : defaultGateway(result, pod).orElse(null);
        // Routed networks (ptp) replace the subnet's on-link route by "SUBNET via GW": neighbours are
        // reached through the gateway, not by ARP. DHCP cannot remove the on-link route a mask implies,
        // so such a guest gets its address as /32 plus that route.
        IpNet subnet = ip.address().network();
        boolean routedSubnet = pod.interfaceRoutes().stream()
                .anyMatch(r -> r.destination().equals(subnet) && r.gateway() != null);
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
        candidates.addAll(pod.interfaceRoutes());
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

        List<InetAddress> dns = new ArrayList<>();
        for (String s : result.dns().nameservers()) {
            try {
                InetAddress a = IpLiteral.parse(s);
                if (a instanceof Inet4Address) {
                    dns.add(a);
                }
            } catch (IllegalArgumentException ignored) {
                // a nameserver the guest could not use anyway
            }
        }
        List<String> search = result.dns().search();
        if (dns.isEmpty()) {
            dns = pod.resolvNameservers();
            if (search.isEmpty()) {
                search = pod.resolvSearch();
            }
        }
        GuestConfig guest = new GuestConfig(guestAddress, gateway, routes, pod.mtu(), dns, search,
                result.dns().domain(), vmi.name(), LEASE_SECONDS);
        return new VNicPlan(nic, nic.vmiInterface(), nic.bridge(), bridgeAddress, guest);
    }

    /** The result's IPv4 address on the VMI interface (by the result's interface index), else its first IPv4. */
    static Optional<IpConfig> address(CniResult result, String vmiInterface) {
        List<IpConfig> v4 = result.ips().stream().filter(IpConfig::isIpv4).toList();
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

    private static Optional<InetAddress> defaultGateway(CniResult result, PodFacts pod) {
        Optional<InetAddress> fromResult = result.routes().stream()
                .filter(r -> r.dst().isIpv4() && r.dst().prefixLength() == 0 && r.gw() != null).map(Route::gw).findFirst();
        return fromResult.isPresent() ? fromResult : pod.interfaceRoutes().stream()
                .filter(r -> r.destination().prefixLength() == 0 && r.gateway() != null).map(GuestRoute::gateway).findFirst();
    }
}
