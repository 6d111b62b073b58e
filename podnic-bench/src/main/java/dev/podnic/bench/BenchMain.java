package dev.podnic.bench;

import dev.podnic.cni.invoke.ProcessLaunch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks; each measures podnic against a baseline in the same run. Not tests. */
@Command(name = "podnic-bench", mixinStandardHelpOptions = true,
        description = "podnic benchmarks (run as root; they create their own network namespaces).",
        subcommands = {CniBench.class, NetlinkBench.class, BindingBench.class, NodeBench.class, ControllerBench.class,
                KubevirtBench.class, Ipv6Bench.class, StartupBench.class, SidecarBench.class, MigrationBench.class, ScaleBench.class})
public final class BenchMain {
    public static void main(String[] args) {
        ProcessLaunch.preferVfork(); // as the podnic command does
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
