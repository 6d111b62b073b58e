package dev.podnic.cli;

import dev.podnic.cli.cni.CniStartPath;
import dev.podnic.cli.node.NodeLs;
import dev.podnic.cli.vmi.VmiUp;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The commands on a VM's start path — {@code cni add|check|del}, {@code node ls} and {@code vmi up}
 * (the launcher pod's main process) — read without picocli: building picocli's model of a command
 * costs a cold process ~180 ms of reflection (the root command alone ~110 ms), more than the command's
 * own work. Only well-formed command lines of long options are read here ({@link LongOptions}); help,
 * errors and everything else go to picocli as before. An option's name and default are declared once,
 * as constants both the picocli annotation and the start-path reading use; each command's reading is
 * held equal to picocli's, option by option (CniStartPathTest, NodeLsStartPathTest, VmiUpStartPathTest).
 */
final class StartPath {
    private StartPath() {
    }

    /** The command {@code args} name, ready to run; empty when picocli is to parse them. */
    static Optional<Callable<Integer>> command(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length < 2) {
            return Optional.empty();
        }
        List<String> rest = List.of(args).subList(2, args.length);
        return switch (args[0]) {
            case "cni" -> CniStartPath.command(args[1], rest, out, err);
            case "node" -> args[1].equals("ls") ? NodeLs.startPath(rest, out) : Optional.empty();
            case "vmi" -> args[1].equals("up") ? VmiUp.startPath(rest, out, err) : Optional.empty();
            default -> Optional.empty();
        };
    }
}
