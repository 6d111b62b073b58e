package dev.podnic.binding.record;

import dev.podnic.binding.dhcp.DhcpServer;
import java.util.List;

/**
 * What podnic did for one vNIC, as persisted: which vNIC, how far its way up got, the facts its plan
 * is made from, its DHCP server, and what its guest is told. The guest's fields are strings so the
 * record stays readable by people and by other tools (the file keeps them flat: {@link VmiRecordJson}).
 *
 * @param facts what the plan is made from, recorded at {@link Step#CNI_ADDED}; null before
 * @param dhcp  the vNIC's DHCP server; null before it is started
 */
public record VNicRecord(Nic nic, Step step, RecordedFacts facts, DhcpServer dhcp, Guest guest) {

    /** The vNIC as its VM names it, and the pod's links for it. */
    public record Nic(int index, String name, String mac, String model, String vmiInterface, String bridge) {
    }

    /**
     * What the guest is told, once it is served.
     *
     * @param address  the guest's IPv4 address; null on an IPv6-only network
     * @param address6 the guest's IPv6 address; null without IPv6
     * @param router6  the IPv6 default router the guest is told of (the gateway's link-local address); null: none
     */
    public record Guest(String address, String gateway, List<String> routes, int mtu, List<String> dns, String address6,
                        String router6) {
        /** Nothing yet (not served). */
        public static final Guest NONE = new Guest(null, null, List.of(), 0, List.of(), null, null);

        public Guest {
            routes = routes == null ? List.of() : List.copyOf(routes);
            dns = dns == null ? List.of() : List.copyOf(dns);
        }
    }

    public VNicRecord {
        guest = guest == null ? Guest.NONE : guest;
    }

    /** A vNIC nothing was done for yet. */
    public static VNicRecord pending(Nic nic) {
        return new VNicRecord(nic, Step.PENDING, null, null, Guest.NONE);
    }

    /** CNI ADD is done; the plan will be made from {@code f}. */
    public VNicRecord added(RecordedFacts f) {
        return new VNicRecord(nic, Step.CNI_ADDED, f, dhcp, guest);
    }

    /** Serving {@code g} from {@code server}. */
    public VNicRecord serving(DhcpServer server, Guest g) {
        return new VNicRecord(nic, Step.SERVING, facts, server, g);
    }

    public int index() {
        return nic.index();
    }

    public String name() {
        return nic.name();
    }

    public String mac() {
        return nic.mac();
    }

    public String model() {
        return nic.model();
    }

    public String vmiInterface() {
        return nic.vmiInterface();
    }

    public String bridge() {
        return nic.bridge();
    }

    public String address() {
        return guest.address();
    }

    public String gateway() {
        return guest.gateway();
    }

    public List<String> routes() {
        return guest.routes();
    }

    public int mtu() {
        return guest.mtu();
    }

    public List<String> dns() {
        return guest.dns();
    }

    public String address6() {
        return guest.address6();
    }

    public String router6() {
        return guest.router6();
    }
}
