package dev.podnic.cni.result;

import dev.podnic.cni.version.SpecVersion;
import java.util.List;

/**
 * A plugin result in one model for every spec version. {@code version} is the version it was
 * read in (or is meant to be written in); {@link ResultJson} converts on the way out.
 */
public record CniResult(SpecVersion version, List<ResultInterface> interfaces, List<IpConfig> ips,
                        List<Route> routes, Dns dns) {

    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        dns = dns == null ? Dns.EMPTY : dns;
    }

    public CniResult withVersion(SpecVersion v) {
        return new CniResult(v, interfaces, ips, routes, dns);
    }
}
