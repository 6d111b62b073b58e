package dev.podnic.binding.apply;

import dev.podnic.api.VNic;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A whole VM instance: wires every vNIC with a {@link VNicBinder}, keeping a durable record of each
 * step (written before the step's effects), so {@code up} can be rerun and {@code down} undoes
 * everything — also after podnic was killed half-way.
 */
public final class VmiBinding {
    private final VNicBinder binder;
    private final RecordStore records;
    private final String network;
    private final Path podNetns;
    private final String backend;

    public VmiBinding(VNicBinder binder, RecordStore records, String network, Path podNetns, String backend) {
        this.binder = binder;
        this.records = records;
        this.network = network;
        this.podNetns = podNetns;
        this.backend = backend;
    }

    public List<BoundVNic> up(VmiSpec vmi) {
        VmiRecord rec = records.load(vmi.namespace(), vmi.name()).orElseGet(() -> fresh(vmi));
        if (!rec.podNetns().equals(podNetns.toString()) || !rec.network().equals(network) || rec.nics().size() != vmi.nics().size()) {
            throw new IllegalStateException(vmi.namespace() + "/" + vmi.name() + " is already up in " + rec.podNetns()
                    + " on network " + rec.network() + " with " + rec.nics().size() + " vNICs; run down first");
        }
        records.save(rec); // before any plugin runs
        List<BoundVNic> bound = new ArrayList<>();
        for (VNic nic : vmi.nics()) {
            VmiRecord[] current = {rec};
            BoundVNic b = binder.up(vmi, nic, step -> {
                current[0] = current[0].with(current[0].nics().get(nic.index()).withStep(step));
                records.save(current[0]);
            });
            rec = current[0].with(served(nic, b));
            records.save(rec);
            bound.add(b);
        }
        return bound;
    }

    /** Records the libvirt domain about to be started for the VM, so that down can destroy it. */
    public void recordDomain(String namespace, String name, String domain) {
        records.load(namespace, name).ifPresent(r -> records.save(r.withDomain(domain)));
    }

    /** Undoes everything recorded for namespace/name; false when nothing was recorded. */
    public boolean down(String namespace, String name) {
        Optional<VmiRecord> rec = records.load(namespace, name);
        if (rec.isEmpty()) {
            return false;
        }
        List<VNicRecord> nics = new ArrayList<>(rec.get().nics());
        java.util.Collections.reverse(nics);
        for (VNicRecord n : nics) {
            binder.down(rec.get().identity(), n.vmiInterface(), n.bridge(), n.dhcp());
        }
        records.delete(namespace, name);
        return true;
    }

    /**
     * Without a record (the state directory was lost): follow the VM's libvirt networks, as the seed
     * describes — each {@code podnic-<tag>-vmi<i>} network names its VMI interface and bridge — and
     * undo those vNICs. Returns how many were found.
     */
    public int downByLibvirtNetworks(String identity, LibvirtBackend libvirt) {
        String prefix = LibvirtBackend.PREFIX + LibvirtBackend.tagFor(identity) + "-";
        int found = 0;
        for (String network : libvirt.podnicNetworks()) {
            if (network.startsWith(prefix)) {
                String bridge = libvirt.bridgeOf(network);
                binder.down(identity, network.substring(prefix.length()), bridge,
                        new DhcpServer(libvirt.name(), bridge, network));
                found++;
            }
        }
        return found;
    }

    private VmiRecord fresh(VmiSpec vmi) {
        List<VNicRecord> nics = vmi.nics().stream().map(n -> new VNicRecord(n.index(), n.name(), n.mac().toString(),
                n.model().libvirtName(), n.vmiInterface(), Planner.bridgeName(n), Step.PENDING, null, null, null,
                List.of(), 0, List.of())).toList();
        return new VmiRecord(vmi.namespace(), vmi.name(), vmi.identity(), binder.attacher().containerId(vmi.identity()),
                podNetns.toString(),
                network, backend, nics, null);
    }

    private static VNicRecord served(VNic nic, BoundVNic b) {
        GuestConfig g = b.plan().guest();
        return new VNicRecord(nic.index(), nic.name(), nic.mac().toString(), nic.model().libvirtName(), nic.vmiInterface(),
                b.plan().bridge(), Step.SERVING, b.dhcp(), g.address().toString(),
                g.gateway() == null ? null : g.gateway().getHostAddress(),
                g.routes().stream().map(VmiBinding::describe).toList(), g.mtu(),
                g.dnsServers().stream().map(InetAddress::getHostAddress).toList());
    }

    static String describe(GuestRoute r) {
        return r.destination() + (r.onLink() ? " on-link" : " via " + r.gateway().getHostAddress());
    }
}
