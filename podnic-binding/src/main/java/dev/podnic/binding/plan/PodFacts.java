package dev.podnic.binding.plan;

import java.net.InetAddress;
import java.util.List;

/**
 * What the plan needs from the pod besides the CNI result: the VMI interface's MTU and routes as
 * the plugins left them (read before podnic removes them), and the pod's resolv.conf as the DNS
 * fallback when the result carries none.
 */
public record PodFacts(int mtu, List<GuestRoute> interfaceRoutes, List<InetAddress> resolvNameservers,
                       List<String> resolvSearch) {

    public PodFacts {
        interfaceRoutes = List.copyOf(interfaceRoutes);
        resolvNameservers = List.copyOf(resolvNameservers);
        resolvSearch = List.copyOf(resolvSearch);
    }
}
