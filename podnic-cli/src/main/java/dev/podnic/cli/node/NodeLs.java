package dev.podnic.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
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
    // The name and default once, for the picocli declaration and the start path alike.
    static final String STATE_DIR = "--state-dir";
    static final String STATE_DIR_DEFAULT = "/var/lib/podnic/node";

    @Option(names = STATE_DIR, paramLabel = "DIR", defaultValue = STATE_DIR_DEFAULT, description = "(default: ${DEFAULT-VALUE})")
    Path stateDir;
    @Spec CommandSpec spec;

    /** The long names above: what a start-path command line (dev.podnic.cli.StartPath) may give. */
    static final Set<String> NAMES = Set.of(STATE_DIR);

    @Override
    public Integer call() {
        return list(stateDir, spec.commandLine().getOut());
    }

    /** `node ls` from a start-path command line (StartPath): its one option, with the default declared above. */
    public static Optional<Callable<Integer>> startPath(List<String> args, PrintWriter out) {
        Optional<Path> dir = stateDir(args);
        return dir.isEmpty() ? Optional.empty() : Optional.of(new Callable<>() {
            @Override
            public Integer call() {
                return list(dir.get(), out);
            }
        });
    }

    static Optional<Path> stateDir(List<String> args) {
        Optional<LongOptions> o = LongOptions.parse(args, new LongOptions.Declared(NAMES));
        return o.isEmpty() ? Optional.empty() : Optional.of(Path.of(o.get().value(STATE_DIR, STATE_DIR_DEFAULT)));
    }

    // Plain loops and padding, no lambdas or printf: this is an operator's cold command, and each first
    // lambda or the Formatter costs it milliseconds (docs/fast-start.md).
    private static int list(Path stateDir, PrintWriter out) {
        Ledger.Listing listing = new Ledger(stateDir.resolve("ledger")).list();
        for (LedgerEntry e : listing.entries()) {
            List<String> ips = new ArrayList<>();
            if (e.result() != null) {
                for (JsonNode i : e.result().path("ips")) {
                    ips.add(i.path("address").asText());
                }
            }
            String ip = ips.isEmpty() ? "-" : String.join(",", ips); // both families on a dual-stack network
            StringBuilder line = new StringBuilder();
            column(line, e.ifName(), 8);
            column(line, e.state(), 7);
            column(line, e.containerId(), 31);
            column(line, e.network(), 10);
            column(line, ip, 18);
            column(line, e.vmi() == null ? "-" : e.vmi(), 36);
            out.println(line.append("net:[").append(e.netnsIno()).append("] ").append(e.netns()));
        }
        for (String u : listing.unreadable()) {
            out.println("UNREADABLE " + u + " (the daemon moves it aside at its next pass)");
        }
        for (Path q : listing.quarantined()) {
            out.println("QUARANTINED " + q + " (unreadable; its attachment, if any, is not tracked: check the node and remove the file)");
        }
        return 0;
    }

    /** {@code value} left-aligned in {@code width} characters, then a space (as printf's %-Ns and a space). */
    private static void column(StringBuilder line, Object value, int width) {
        String text = String.valueOf(value);
        line.append(text);
        for (int i = text.length(); i < width; i++) {
            line.append(' ');
        }
        line.append(' ');
    }
}
