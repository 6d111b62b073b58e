package dev.podnic.binding.plan;

import java.net.InetAddress;
import java.util.List;

/**
 * What the plan needs from the pod besides the CNI result: the VMI interface's MTU and routes (both
 * families) as the plugins left them (read before podnic removes them), the IPv6 gateway's
 * link-local address as the link told it, and the pod's resolv.conf as the DNS fallback when the
 * result carries none.
 *
 * @param routerLinkLocal null: no IPv6 gateway, or it did not answer
 */
public record PodFacts(int mtu, List<GuestRoute> interfaceRoutes, List<InetAddress> resolvNameservers,
                       List<String> resolvSearch, InetAddress routerLinkLocal) {

    public PodFacts(int mtu, List<GuestRoute> interfaceRoutes, List<InetAddress> resolvNameservers, List<String> resolvSearch) {
        this(mtu, interfaceRoutes, resolvNameservers, resolvSearch, null);
    }

    public PodFacts {
        interfaceRoutes = List.copyOf(interfaceRoutes);
        resolvNameservers = List.copyOf(resolvNameservers);
        resolvSearch = List.copyOf(resolvSearch);
    }
}
