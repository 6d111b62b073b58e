package dev.podnic.cli.vmi;

import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.guest.GuestDomain;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "down", description = "Undo everything podnic recorded for the VM: DHCP, bridges, and CNI DEL of each "
        + "VMI interface (also after a crash half-way through up). Safe to repeat.")
final class VmiDown implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The VM's name.")
    String name;
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default", description = "The VM's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;
    @Option(names = "--pod-netns", paramLabel = "PATH",
            description = "When nothing is recorded: the pod whose libvirtd to search for the VM's networks.")
    Path podNetns;
    @Option(names = "--net", paramLabel = "NAME", description = "CNI network, when nothing is recorded (default: the first).")
    String network;
    @Option(names = "--uid", paramLabel = "UID", description = "The VM's metadata.uid, when nothing is recorded and it had one.")
    String uid;
    @Mixin CniOptions cni;
    @Mixin VmiOptions vmiOptions;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return release(cni, vmiOptions, namespace, name, spec.commandLine().getErr()) ? 0 : followLibvirtNetworks();
    }

    /** Undoes what the record says (domain, DHCP, bridges, CNI DEL); false when nothing is recorded. */
    static boolean release(CniOptions cni, VmiOptions vmiOptions, String namespace, String name, java.io.PrintWriter err) {
        VmiRecord rec = vmiOptions.records().load(namespace, name).orElse(null);
        if (rec == null) {
            return false;
        }
        if (rec.domain() != null && GuestDomain.destroy(vmiOptions.libvirtUri(Path.of(rec.podNetns())), rec.domain())) {
            err.println(namespace + "/" + name + ": domain " + rec.domain() + " destroyed");
        }
        String net = rec.network().isEmpty() ? null : rec.network();
        try (Pod pod = new Pod(cni, vmiOptions, net, Path.of(rec.podNetns()), rec.backend(), Path.of("/etc/resolv.conf"),
                rec.identity())) {
            pod.binding.down(namespace, name);
        }
        err.println(namespace + "/" + name + ": " + rec.nics().size() + " vNIC(s) released");
        err.flush();
        return true;
    }

    /** No record: with --pod-netns, look for the VM's libvirt networks in that pod's libvirtd (the seed's way). */
    private int followLibvirtNetworks() {
        if (podNetns == null) {
            spec.commandLine().getErr().println("nothing recorded for " + namespace + "/" + name
                    + "; nothing to do (give --pod-netns to also look for its libvirt networks)");
            return 0;
        }
        String identity = uid != null ? uid : namespace + "/" + name;
        try (Pod pod = new Pod(cni, vmiOptions, network, podNetns, "libvirt", Path.of("/etc/resolv.conf"), identity)) {
            int n = pod.binding.downByLibvirtNetworks(identity, (dev.podnic.binding.libvirt.LibvirtBackend) pod.backend);
            spec.commandLine().getErr().println(namespace + "/" + name + ": no record; " + n
                    + " vNIC(s) found through libvirt networks and released");
        }
        return 0;
    }
}
