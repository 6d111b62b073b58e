package dev.podnic.cli;

import dev.podnic.api.SpecException;
import dev.podnic.cni.CniException;
import dev.podnic.cni.PluginErrorException;
import dev.podnic.cni.invoke.ProcessLaunch;
import dev.podnic.netlink.sys.NativeLibraryPath;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Entry point of the {@code podnic} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String[] effective = args.length > 0 ? args : new String[] {"--help"};
        if (!isVersion(effective)) { // (answered before anything else: it needs none of it)
            ProcessLaunch.preferVfork();
            NativeLibraryPath.setUnlessSet(); // no `ldconfig -p` run by JNA as it first loads
        }
        System.exit(run(effective, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    private static boolean isVersion(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 operation failed, 2 bad usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (isVersion(args)) {
            out.println(PodnicCommand.VERSION); // what picocli would print, without building picocli (~190 ms cold)
            out.flush();
            return 0;
        }
        Optional<Callable<Integer>> startPath = StartPath.command(args, out, err);
        if (startPath.isPresent()) {
            return finish(runWithoutPicocli(startPath.get(), err), out, err);
        }
        CommandLine cl = PodnicCommand.commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, err));
        return finish(cl.execute(args), out, err);
    }

    /** As picocli runs a command: a failure podnic explains is its message; anything else its stack trace, exit 1. */
    private static int runWithoutPicocli(Callable<Integer> command, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception e) {
            try {
                return failure(e, err);
            } catch (Exception unexplained) {
                unexplained.printStackTrace(err);
                return 1;
            }
        }
    }

    /** The exit code and message of a failed command; rethrows what podnic has no message for. */
    private static int failure(Exception e, PrintWriter err) throws Exception {
        if (e instanceof CniException cni) {
            err.println("podnic: " + e.getMessage());
            for (Throwable s : e.getSuppressed()) {
                err.println("podnic:   also: " + s.getMessage());
            }
            if (cni instanceof PluginErrorException) {
                err.println(Json.pretty(cni.error().toJson("")));
            }
            return 1;
        }
        if (e instanceof SpecException spec) {
            err.println("podnic: " + spec.getMessage());
            return 1;
        }
        if (e instanceof UserError) {
            err.println("podnic: " + e.getMessage());
            return 2;
        }
        throw e;
    }

    private static int finish(int code, PrintWriter out, PrintWriter err) {
        out.flush();
        err.flush();
        return code;
    }
}
