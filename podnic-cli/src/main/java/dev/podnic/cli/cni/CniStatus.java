package dev.podnic.cli.cni;

import dev.podnic.cli.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Ask every plugin of a network whether it is ready for ADD (CNI 1.1.0 STATUS). "
            + "Plugins and networks older than 1.1.0 are reported as NOT_SUPPORTED (assumed ready).")
final class CniStatus implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Option(names = "--net", required = true, paramLabel = "NAME", description = "Network name.")
    String network;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        try (var s = cni.open()) {
            var report = s.runtime().status(s.configs().load(network));
            spec.commandLine().getOut().println(Json.pretty(report));
        }
        return 0;
    }
}
