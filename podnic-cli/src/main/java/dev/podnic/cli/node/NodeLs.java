package dev.podnic.cli.node;

import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ls", description = "List the node daemon's ledger: every attachment it made, its state, IP, VM (uid) and namespace.")
final class NodeLs implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/podnic/node", description = "(default: ${DEFAULT-VALUE})")
    Path stateDir;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (LedgerEntry e : new Ledger(stateDir.resolve("ledger")).all()) {
            String ip = e.result() == null ? "-" : e.result().path("ips").path(0).path("address").asText("-");
            out.printf("%-8s %-7s %-31s %-10s %-18s %-36s net:[%d] %s%n", e.ifName(), e.state(), e.containerId(), e.network(), ip,
                    e.vmi() == null ? "-" : e.vmi(), e.netnsIno(), e.netns());
        }
        return 0;
    }
}
