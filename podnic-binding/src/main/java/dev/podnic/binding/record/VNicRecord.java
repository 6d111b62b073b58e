package dev.podnic.binding.record;

import dev.podnic.binding.dhcp.DhcpServer;
import java.util.List;

/**
 * What podnic did for one vNIC, as persisted. The guest fields are strings so the record stays
 * readable by people and by other tools.
 *
 * @param facts    what the plan is made from, recorded at {@link Step#CNI_ADDED}; null before
 * @param address  the guest's IPv4 address; null on an IPv6-only network
 * @param address6 the guest's IPv6 address; null without IPv6
 * @param router6  the IPv6 default router the guest is told of (the gateway's link-local address); null: none
 */
public record VNicRecord(int index, String name, String mac, String model, String vmiInterface, String bridge, Step step,
                         RecordedFacts facts, DhcpServer dhcp, String address, String gateway, List<String> routes, int mtu,
                         List<String> dns, String address6, String router6) {

    public VNicRecord {
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? List.of() : List.copyOf(dns);
    }

    public VNicRecord withStep(Step s) {
        return new VNicRecord(index, name, mac, model, vmiInterface, bridge, s, facts, dhcp, address, gateway, routes, mtu, dns,
                address6, router6);
    }

    /** CNI ADD is done; the plan will be made from {@code f}. */
    public VNicRecord added(RecordedFacts f) {
        return new VNicRecord(index, name, mac, model, vmiInterface, bridge, Step.CNI_ADDED, f, dhcp, address, gateway, routes,
                mtu, dns, address6, router6);
    }
}
