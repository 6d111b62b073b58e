package dev.podnic.binding.apply;

import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** One vNIC's way down: its DHCP server, the pod's links podnic made, and the CNI DEL of its VMI interface. */
final class VNicTeardown {
    private final Attacher attacher;
    private final NetworkOps pod;
    private final DhcpBackend dhcp;

    VNicTeardown(Attacher attacher, NetworkOps pod, DhcpBackend dhcp) {
        this.attacher = attacher;
        this.pod = pod;
        this.dhcp = dhcp;
    }

    /**
     * Every part is looked for before it is removed: safe after any partial up, and to repeat. The
     * guest's port and the bridge go in one batch, while the CNI DEL runs: each link's removal waits
     * for a kernel grace period (~30 ms here), a batch for one, and the plugins' DEL waits mostly on
     * their processes — together a DEL costs one of them, not their sum. The VMI interface gets its
     * CNI addresses back first: a plugin's DEL finds what to undo by them (the bridge and ptp plugins
     * tear down their ipMasq rules by the addresses on the interface; stripped, the rules would stay).
     */
    void undo(VmNames vm, String vmiInterface, String bridge, DhcpServer server, List<String> portLinks,
             List<IpNet> cniAddresses) {
        stopServing(server, bridge);
        List<String> links = new ArrayList<>(portLinks);
        links.add(bridge);
        FutureTask<Void> removing = new FutureTask<>(() -> pod.deleteLinks(links), null);
        Thread remover = new Thread(removing, "podnic-unwire-" + bridge);
        remover.setDaemon(true);
        remover.start();
        RuntimeException failure = null;
        try {
            detach(vm, vmiInterface, cniAddresses);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            removing.get();
        } catch (ExecutionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BindingException("interrupted while removing " + links + " (run down again)");
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * All of {@link #undo} but the removal of the pod's links podnic made (the guest's port and the
     * bridge): for a caller that answers first and removes them after —
     * without the plugins' DEL competing with that removal for the kernel's lock (see
     * {@code HostAttachments}). Until then the links are there but serve nothing: the DHCP server is
     * stopped, and the VMI interface is gone from the bridge.
     */
    void undoLeavingLinks(VmNames vm, String vmiInterface, String bridge, DhcpServer server, List<IpNet> cniAddresses) {
        stopServing(server, bridge);
        detach(vm, vmiInterface, cniAddresses);
    }

    /** Stops the vNIC's DHCP server (and a stray one on its bridge). */
    private void stopServing(DhcpServer server, String bridge) {
        if (server != null) {
            dhcp.stop(server);
        }
        dhcp.stopStray(bridge);
    }

    /** The VMI interface's CNI DEL, its addresses given back first. */
    private void detach(VmNames vm, String vmiInterface, List<IpNet> cniAddresses) {
        giveBack(vmiInterface, cniAddresses);
        attacher.detach(vm, vmiInterface);
    }

    /** The addresses CNI gave the VMI interface (the guest's), as recorded. */
    static List<IpNet> cniAddresses(VNicRecord n) {
        List<IpNet> out = new ArrayList<>();
        for (String a : new String[] {n.address(), n.address6()}) {
            if (a != null) {
                out.add(IpNet.parse(a));
            }
        }
        return out;
    }

    /** Puts the CNI addresses back on the VMI interface (without prefix routes: eth0's stay the pod's), if it is still there. */
    private void giveBack(String vmiInterface, List<IpNet> addresses) {
        if (addresses.isEmpty() || pod.findLink(vmiInterface).isEmpty()) {
            return;
        }
        List<IpNet> present = pod.addresses(vmiInterface).stream().map(Address::address).toList();
        for (IpNet a : addresses) {
            if (!present.contains(a)) {
                pod.addAddressWithoutPrefixRoute(vmiInterface, a, Scope.UNIVERSE);
            }
        }
    }
}
