package dev.podnic.cli;

import dev.podnic.api.SpecException;
import dev.podnic.cni.CniException;
import dev.podnic.cni.PluginErrorException;
import dev.podnic.cni.invoke.ProcessLaunch;
import dev.podnic.netlink.sys.NativeLibraryPath;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code podnic} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String[] effective = defaulted(args, System.getenv());
        if (!isVersion(effective)) { // (answered before anything else: it needs none of it)
            ProcessLaunch.preferVfork();
            NativeLibraryPath.setUnlessSet(); // no `ldconfig -p` run by JNA as it first loads
        }
        System.exit(run(effective, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    private static boolean isVersion(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /**
     * What the image runs without arguments: KubeVirt starts a binding's sidecar from its image
     * alone (no command, no arguments) and sets NETWORK_BINDING_PLUGIN_NAME in it, so then the
     * sidecar; otherwise the help.
     */
    static String[] defaulted(String[] args, java.util.Map<String, String> env) {
        if (args.length > 0) {
            return args;
        }
        return env.containsKey("NETWORK_BINDING_PLUGIN_NAME") ? new String[] {"sidecar"} : new String[] {"--help"};
    }

    /** Runs the command line and returns the exit code (0 ok, 1 operation failed, 2 bad usage). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (isVersion(args)) {
            out.println(PodnicCommand.VERSION); // what picocli would print, without building picocli (~190 ms cold)
            out.flush();
            return 0;
        }
        CommandLine cl = PodnicCommand.commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
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
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
