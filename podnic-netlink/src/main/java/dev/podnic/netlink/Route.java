package dev.podnic.netlink;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;

/**
 * A route.
 *
 * @param destination the prefix (0.0.0.0/0 or ::/0 for a default route)
 * @param gateway     next hop, or null for a route straight out of {@code linkIndex}
 * @param linkIndex   output interface, 0 when the kernel should pick it from the gateway
 * @param scope       UNIVERSE for routes via a gateway, LINK for on-link routes, HOST for local
 * @param metric      priority, null for the kernel's default
 * @param table       routing table (254 = main)
 * @param onLink      the gateway is reachable on {@code linkIndex} even though no prefix says so
 * @param protocol    who installed it: 2 kernel, 3 boot (ip route's default, and podnic's), 4 static
 * @param source      preferred source address, or null
 */
public record Route(IpNet destination, InetAddress gateway, int linkIndex, Scope scope, Integer metric, int table,
                    boolean onLink, int protocol, InetAddress source) {
    public static final int MAIN_TABLE = 254;
    public static final int PROTO_KERNEL = 2;
    public static final int PROTO_BOOT = 3;

    /** A route via a gateway out of a link (scope universe, main table). */
    public static Route via(IpNet destination, InetAddress gateway, int linkIndex) {
        return new Route(destination, gateway, linkIndex, Scope.UNIVERSE, null, MAIN_TABLE, false, PROTO_BOOT, null);
    }

    /** A route straight out of a link, no gateway (scope link, main table). */
    public static Route onLink(IpNet destination, int linkIndex) {
        return new Route(destination, null, linkIndex, Scope.LINK, null, MAIN_TABLE, false, PROTO_BOOT, null);
    }

    public Route withMetric(int m) {
        return new Route(destination, gateway, linkIndex, scope, m, table, onLink, protocol, source);
    }

    public Route withTable(int t) {
        return new Route(destination, gateway, linkIndex, scope, metric, t, onLink, protocol, source);
    }

    /** Marks the gateway as on-link (reachable on the link without a covering prefix). */
    public Route withOnLinkGateway() {
        return new Route(destination, gateway, linkIndex, scope, metric, table, true, protocol, source);
    }

    public Family family() {
        return destination.isIpv4() ? Family.V4 : Family.V6;
    }
}
