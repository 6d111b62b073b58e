package dev.podnic.cli.cni;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "networks", mixinStandardHelpOptions = true,
        description = "List the networks in --conf-dir in lookup order, and every file that is not valid and why.")
final class CniNetworks implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var s = cni.open()) {
            int bad = 0;
            for (var e : s.configs().list()) {
                if (e.network().isPresent()) {
                    var n = e.network().get();
                    out.printf("%-20s %-6s %-40s %s%n", n.name(), n.cniVersion(),
                            String.join(",", n.plugins().stream().map(p -> p.type()).toList()), e.file());
                } else {
                    bad++;
                    out.printf("%-20s %-6s %-40s %s%n", "(invalid)", "-", "-", e.error().orElse(""));
                }
            }
            return bad == 0 ? 0 : 1;
        }
    }
}
