package dev.podnic.binding.record;

import dev.podnic.binding.dhcp.DhcpServer;
import java.util.List;

/**
 * What podnic did for one vNIC, as persisted. The guest fields are strings so the record stays
 * readable by people and by other tools.
 */
public record VNicRecord(int index, String name, String mac, String model, String vmiInterface, String bridge, Step step,
                         DhcpServer dhcp, String address, String gateway, List<String> routes, int mtu, List<String> dns) {

    public VNicRecord {
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? List.of() : List.copyOf(dns);
    }

    public VNicRecord withStep(Step s) {
        return new VNicRecord(index, name, mac, model, vmiInterface, bridge, s, dhcp, address, gateway, routes, mtu, dns);
    }
}
