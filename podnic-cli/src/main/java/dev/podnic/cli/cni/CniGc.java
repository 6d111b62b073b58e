package dev.podnic.cli.cni;

import dev.podnic.cli.Json;
import dev.podnic.cli.UserError;
import dev.podnic.cni.Attachment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Garbage-collect a network: DEL every cached attachment not listed with --valid, then run "
            + "the CNI 1.1.0 GC command on plugins that support it. Prints what was done; exit 1 if anything failed. "
            + "Without --valid every cached attachment of the network is deleted.")
final class CniGc implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Option(names = "--net", required = true, paramLabel = "NAME", description = "Network name.")
    String network;
    @Option(names = "--valid", paramLabel = "CONTAINERID/IFNAME", description = "An attachment to keep; repeatable.")
    List<String> valid = new ArrayList<>();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        var keep = new LinkedHashSet<Attachment>();
        for (String v : valid) {
            try {
                keep.add(Attachment.parse(v));
            } catch (IllegalArgumentException e) {
                throw new UserError("--valid: " + e.getMessage());
            }
        }
        try (var s = cni.open()) {
            var report = s.runtime().gc(s.configs().load(network), keep);
            spec.commandLine().getOut().println(Json.pretty(report));
            return report.errors().isEmpty() ? 0 : 1;
        }
    }
}
