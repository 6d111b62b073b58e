package dev.podnic.binding.dhcp.server;

import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything podnic's own DHCP server hands the one client on a vNIC's bridge, and who it answers
 * as: the vNIC's plan, flattened to what goes on the wire. Persisted beside the server (see
 * {@link ServedLeaseJson}) so that a restarted node daemon serves the same lease again.
 *
 * @param serverId the server's IPv4 address on the bridge (its link-local /32): option 54, and where renewals go
 * @param address  the guest's IPv4 address and prefix; null: no DHCPv4
 * @param gateway  option 3; null: none
 * @param routes   option 121 (classless static routes), in the order the guest should install them
 * @param address6 the guest's IPv6 address (CONFIRM finds it on-link, and no other); null: no DHCPv6
 * @param duid     the DHCPv6 server's DUID, hex; kept across restarts (clients renew with the server they know)
 * @param router6  the router advertisements sent on the bridge beside DHCPv6 ({@link BridgeAdvertiser}); null: none
 *                 (no IPv6, or a lease an earlier podnic wrote, whose podnic-ra process advertises)
 */
public record ServedLease(InetAddress serverId, IpNet address, InetAddress gateway, List<GuestRoute> routes, int mtu,
                          List<InetAddress> dns, List<String> search, String domain, String hostname, int leaseSeconds,
                          IpNet address6, List<InetAddress> dns6, String duid, Router6 router6) {

    /**
     * What the bridge's router advertisements say.
     *
     * @param router the gateway's link-local address, their source; null when unknown (then no default route)
     * @param onLink whether the IPv6 prefix is on-link (a bridge network) and advertised so
     */
    public record Router6(InetAddress router, boolean onLink) {
    }

    /** A lease without router advertisements. */
    public ServedLease(InetAddress serverId, IpNet address, InetAddress gateway, List<GuestRoute> routes, int mtu,
                       List<InetAddress> dns, List<String> search, String domain, String hostname, int leaseSeconds,
                       IpNet address6, List<InetAddress> dns6, String duid) {
        this(serverId, address, gateway, routes, mtu, dns, search, domain, hostname, leaseSeconds, address6, dns6, duid, null);
    }

    public ServedLease {
        routes = List.copyOf(routes);
        dns = List.copyOf(dns);
        search = List.copyOf(search);
        dns6 = List.copyOf(dns6);
        if (address == null && address6 == null) {
            throw new IllegalArgumentException("a lease needs an IPv4 or an IPv6 address");
        }
        if (address != null && (serverId == null || serverId.getAddress().length != 4)) {
            throw new IllegalArgumentException("DHCPv4 needs the server's IPv4 address, not " + serverId);
        }
        DomainNames.encode(search); // a name no option can carry fails here, not at every answer
        if (router6 != null && address6 == null) {
            throw new IllegalArgumentException("router advertisements belong to an IPv6 lease");
        }
        if (leaseSeconds < 60) {
            throw new IllegalArgumentException("lease of " + leaseSeconds + " s: at least 60 s");
        }
    }

    /** The lease a vNIC's plan describes, answered as {@code duid} over DHCPv6. */
    public static ServedLease of(VNicPlan plan, byte[] duid) {
        GuestConfig g = plan.guest();
        return new ServedLease(plan.bridgeAddress().address(), g.address(), g.gateway(), g.routes(), g.mtu(),
                g.dnsServers(), g.searchDomains(), g.domain(), g.hostname(), g.leaseSeconds(),
                g.ipv6() == null ? null : g.ipv6().address(), g.ipv6() == null ? List.of() : g.ipv6().dnsServers(),
                HexFormat.of().formatHex(duid), g.ipv6() == null ? null : new Router6(g.ipv6().router(), g.ipv6().onLink()));
    }

    public byte[] duidBytes() {
        return HexFormat.of().parseHex(duid);
    }
}
