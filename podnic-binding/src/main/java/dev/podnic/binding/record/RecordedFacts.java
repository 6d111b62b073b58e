package dev.podnic.binding.record;

import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.PodFacts;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.List;

/**
 * The {@link PodFacts} a vNIC's plan was made from, as recorded at {@link Step#CNI_ADDED} — before
 * podnic strips the VMI interface. A rerun plans from these, never from the stripped interface
 * (which no longer shows the routes a routed network installed).
 */
public record RecordedFacts(int mtu, List<Route> routes, List<String> nameservers, List<String> search,
                            String routerLinkLocal) {

    /** A route of the VMI interface; {@code gateway} null when on-link. */
    public record Route(String destination, String gateway) {
    }

    public RecordedFacts {
        routes = routes == null ? List.of() : List.copyOf(routes);
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
        search = search == null ? List.of() : List.copyOf(search);
    }

    public static RecordedFacts of(PodFacts f) {
        return new RecordedFacts(f.mtu(),
                f.interfaceRoutes().stream().map(r -> new Route(r.destination().toString(),
                        r.gateway() == null ? null : IpLiteral.format(r.gateway()))).toList(),
                f.resolvNameservers().stream().map(IpLiteral::format).toList(), f.resolvSearch(),
                f.routerLinkLocal() == null ? null : IpLiteral.format(f.routerLinkLocal()));
    }

    public PodFacts toFacts() {
        return new PodFacts(mtu,
                routes.stream().map(r -> new GuestRoute(IpNet.parse(r.destination()),
                        r.gateway() == null ? null : IpLiteral.parse(r.gateway()))).toList(),
                nameservers.stream().map(IpLiteral::parse).toList(), search,
                routerLinkLocal == null ? null : IpLiteral.parse(routerLinkLocal));
    }
}
