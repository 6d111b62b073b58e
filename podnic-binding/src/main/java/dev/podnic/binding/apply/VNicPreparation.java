package dev.podnic.binding.apply;

import dev.podnic.api.VNic;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What of a vNIC needs nothing from its CNI ADD's result: the bridge, its DHCP isolation, the
 * server's link-local address, the VM's port (not yet in the bridge). Made while the plugins run
 * (they mostly wait on their processes) where a thread of {@code preparing} takes it first; else by
 * the caller once CNI ADD succeeded, so that a failed one leaves nothing of it.
 */
final class VNicPreparation {
    private final NetworkOps pod;
    private final DhcpBackend dhcp;
    private final GuestPort port;
    private final Executor preparing;

    VNicPreparation(NetworkOps pod, DhcpBackend dhcp, GuestPort port, Executor preparing) {
        this.pod = pod;
        this.dhcp = dhcp;
        this.port = port;
        this.preparing = preparing;
    }

    /**
     * What a preparation made ready.
     *
     * @param bridgeExisted whether the bridge was there already (a rerun, or a VM before in this pod)
     * @param bridge        the bridge as read (its index: later calls need no lookup by name); null where
     *                      the DHCP backend makes it as its server starts
     */
    record Prepared(boolean bridgeExisted, Link bridge) {
    }

    /**
     * Offers {@code nic}'s preparation to the threads of {@code preparing}; call as its CNI ADD begins. A failed CNI ADD
     * abandons it: one not begun never will be.
     */
    Offered<Prepared> begin(VNic nic) {
        return Offered.to(preparing, () -> prepare(nic));
    }

    /**
     * Where podnic makes the bridge: the bridge, up (without a port it has no carrier, and no IPv6
     * link-local address, until the VMI interface joins it after CNI ADD), its DHCP isolation (written
     * once the bridge exists: see {@link dev.podnic.binding.dhcp.DhcpIsolation}; nothing can cross
     * before the VMI interface becomes a port), the server's link-local address, and the VM's port
     * (plugged into the bridge once it serves: see {@link GuestPort#plug}).
     */
    private Prepared prepare(VNic nic) {
        Optional<Link> found = pod.findLink(nic.bridge());
        if (dhcp.createsBridge()) {
            return new Prepared(found.isPresent(), null); // (its network makes the bridge as it starts, and isolates it then)
        }
        Link bridge = found.orElseGet(() -> pod.createBridge(nic.bridge()));
        dhcp.prepare(nic);
        IpNet address = Planner.bridgeAddress(nic.index());
        if (found.isEmpty() || pod.addressesOf(bridge).stream().noneMatch(a -> a.address().equals(address))) {
            pod.addAddress(nic.bridge(), address, Scope.LINK);
        }
        port.prepare(pod, nic);
        pod.setUp(nic.bridge(), true);
        return new Prepared(found.isPresent(), bridge);
    }
}
