package dev.podnic.cli.vmi;

import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cli.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Show what podnic recorded for the VM: per vNIC the step reached, bridge, "
        + "address, gateway, routes, MTU, DNS and DHCP server. Exit 1 when nothing is recorded.")
final class VmiStatus implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The VM's name.")
    String name;
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default", description = "The VM's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;
    @Mixin VmiOptions vmiOptions;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmiRecord rec = vmiOptions.records().load(namespace, name).orElse(null);
        if (rec == null) {
            spec.commandLine().getErr().println("nothing recorded for " + namespace + "/" + name);
            return 1;
        }
        if (output.equals("json")) {
            out.println(Json.pretty(rec));
            return 0;
        }
        out.printf("%s/%s  pod netns %s  network %s  container ID %s  DHCP %s%n", rec.namespace(), rec.name(),
                rec.podNetns(), rec.network().isEmpty() ? "(node daemon's default)" : rec.network(), rec.containerId(), rec.backend());
        for (VNicRecord n : rec.nics()) {
            out.printf("  %-10s %-9s %s %s  %s on %s  %s gw %s mtu %d  %s%n", n.name(), n.step(), n.mac(), n.model(),
                    n.vmiInterface(), n.bridge(), n.address() == null ? "-" : n.address(), n.gateway() == null ? "-" : n.gateway(),
                    n.mtu(), n.dhcp() == null ? "" : n.dhcp().ref());
        }
        return 0;
    }
}
