package dev.podnic.cli.vmi;

import dev.podnic.api.VmNames;
import dev.podnic.binding.apply.Released;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cli.cni.CniOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
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
        PrintWriter err = spec.commandLine().getErr();
        VmiRecord rec = vmiOptions.records().load(namespace, name).orElse(null);
        if (rec == null && podNetns == null) {
            err.println("nothing recorded for " + namespace + "/" + name
                    + "; nothing to do (give --pod-netns to also look for its libvirt networks)");
            return 0;
        }
        VmNames vm = VmNames.of(rec != null ? rec.identity() : uid != null ? uid : namespace + "/" + name);
        Released released = rec != null ? release(cni, vmiOptions, rec)
                : release(cni, vmiOptions, network, podNetns, "libvirt", namespace, name, vm);
        err.println(namespace + "/" + name + ": " + released.summary());
        err.flush();
        return 0;
    }

    /** Undoes what the record says (domain, DHCP, bridges, CNI DEL). */
    static Released release(CniOptions cni, VmiOptions vmiOptions, VmiRecord rec) {
        return release(cni, vmiOptions, rec.network().isEmpty() ? null : rec.network(), Path.of(rec.podNetns()), rec.backend(),
                rec.namespace(), rec.name(), VmNames.of(rec.identity()));
    }

    private static Released release(CniOptions cni, VmiOptions vmiOptions, String network, Path podNetns, String backend,
                                    String namespace, String name, VmNames vm) {
        try (Pod pod = new Pod(cni, vmiOptions, network, podNetns, backend, Path.of("/etc/resolv.conf"), vm)) {
            return pod.engine.down(namespace, name, Optional.of(vm));
        }
    }
}
