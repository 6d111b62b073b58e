package dev.podnic.cli.node;

import dev.podnic.cli.LongOptions;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ls", description = "List the node daemon's ledger: every attachment it made, its state, IP, VM (uid) and namespace; "
        + "then entries that cannot be read, and those the daemon moved aside (quarantine) for being unreadable.")
public final class NodeLs implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/podnic/node", description = "(default: ${DEFAULT-VALUE})")
    Path stateDir;
    @Spec CommandSpec spec;

    /** The long names above: what a start-path command line (dev.podnic.cli.StartPath) may give. */
    static final Set<String> NAMES = Set.of("--state-dir");

    @Override
    public Integer call() {
        return list(stateDir, spec.commandLine().getOut());
    }

    /** `node ls` from a start-path command line (StartPath): its one option, with the default declared above. */
    public static Optional<Callable<Integer>> startPath(List<String> args, PrintWriter out) {
        return stateDir(args).map(dir -> () -> list(dir, out));
    }

    static Optional<Path> stateDir(List<String> args) {
        return LongOptions.parse(args, new LongOptions.Declared(NAMES)).map(o -> Path.of(o.value("--state-dir", "/var/lib/podnic/node")));
    }

    private static int list(Path stateDir, PrintWriter out) {
        Ledger.Listing listing = new Ledger(stateDir.resolve("ledger")).list();
        for (LedgerEntry e : listing.entries()) {
            List<String> ips = new ArrayList<>();
            if (e.result() != null) {
                e.result().path("ips").forEach(i -> ips.add(i.path("address").asText()));
            }
            String ip = ips.isEmpty() ? "-" : String.join(",", ips); // both families on a dual-stack network
            // (%s for the inode, not %d: a number formatted by locale loads the JDK's locale data, ~30 ms cold)
            out.printf("%-8s %-7s %-31s %-10s %-18s %-36s net:[%s] %s%n", e.ifName(), e.state(), e.containerId(), e.network(), ip,
                    e.vmi() == null ? "-" : e.vmi(), Long.toString(e.netnsIno()), e.netns());
        }
        listing.unreadable().forEach(u -> out.println("UNREADABLE " + u + " (the daemon moves it aside at its next pass)"));
        listing.quarantined().forEach(q -> out.println("QUARANTINED " + q + " (unreadable; its attachment, if any, is not tracked: "
                + "check the node and remove the file)"));
        return 0;
    }
}
