package dev.podnic.cli.cni;

import dev.podnic.cli.LongOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code cni add|check|del} from a start-path command line ({@link dev.podnic.cli.StartPath}): no picocli. */
public final class CniStartPath {
    private static final LongOptions.Declared DECLARED = new LongOptions.Declared(LongOptions.Declared.names(CniOptions.NAMES, AttachmentOptions.NAMES),
            CniOptions.REPEATABLE, Set.of(), 0);

    private CniStartPath() {
    }

    /** The command, or empty when {@code args} (after {@code cni SUBCOMMAND}) are for picocli to read. */
    public static Optional<Callable<Integer>> command(String subcommand, List<String> args, PrintWriter out, PrintWriter err) {
        if (!subcommand.equals("add") && !subcommand.equals("check") && !subcommand.equals("del")) {
            return Optional.empty();
        }
        return options(args).map(o -> switch (subcommand) {
            case "add" -> () -> CniAdd.add(o.cni(), o.attachment(), out);
            case "check" -> () -> CniCheck.check(o.cni(), o.attachment(), err);
            default -> () -> CniDel.del(o.cni(), o.attachment());
        });
    }

    /** What add, check and del read, as picocli would fill their mixins. */
    record Options(CniOptions cni, AttachmentOptions attachment) {
    }

    static Optional<Options> options(List<String> args) {
        try {
            return LongOptions.parse(args, DECLARED).map(o -> new Options(CniOptions.of(o), AttachmentOptions.of(o)));
        } catch (LongOptions.NotHere e) {
            return Optional.empty();
        }
    }
}
