package dev.podnic.cli.vmi;

import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cli.cni.CniOptions;
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
    @Mixin CniOptions cni;
    @Mixin VmiOptions vmiOptions;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        VmiRecord rec = vmiOptions.records().load(namespace, name).orElse(null);
        if (rec == null) {
            spec.commandLine().getErr().println("nothing recorded for " + namespace + "/" + name + "; nothing to do");
            return 0;
        }
        var net = cni.configDirectory().load(rec.network());
        try (Pod pod = new Pod(cni, vmiOptions, net, Path.of(rec.podNetns()), rec.backend(), Path.of("/etc/resolv.conf"),
                rec.identity())) {
            pod.binding.down(namespace, name);
        }
        spec.commandLine().getErr().println(namespace + "/" + name + ": " + rec.nics().size() + " vNIC(s) released");
        return 0;
    }
}
