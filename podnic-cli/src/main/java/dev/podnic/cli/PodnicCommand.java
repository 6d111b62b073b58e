package dev.podnic.cli;

import dev.podnic.cli.cni.CniCommand;
import dev.podnic.cli.guest.GuestCommand;
import dev.podnic.cli.k8s.ControllerCommand;
import dev.podnic.cli.k8s.WebhookCommand;
import dev.podnic.cli.node.NodeCommand;
import dev.podnic.cli.pod.PodCommand;
import dev.podnic.cli.vmi.VmiCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

@Command(name = "podnic",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT, // -h/-V, the version and the help width apply to every subcommand
        version = PodnicCommand.VERSION,
        usageHelpWidth = 100,
        description = {
            "Gives virtual machines their own pod-network IPs through the node's CNI setup.",
            "",
            "On one machine: `podnic vmi up` wires a VM's vNICs in a pod, `podnic node` is the node's CNI proxy; "
                + "./podnic demo shows it all. On Kubernetes: `podnic controller`, `podnic webhook` and the node DaemonSet "
                + "(`podnic node` + `podnic node agent`), manifests in deploy/. On KubeVirt: a network binding plugin "
                + "(`podnic install-cni`; its sidecar is the native `podnic sidecar`, which the image runs where KubeVirt starts it; deploy/kubevirt/, docs/kubevirt.md)."})
public final class PodnicCommand {
    public static final String VERSION = "podnic 0.1.0";

    /**
     * The subcommands, in help order. Built only when needed: picocli reads every annotation and
     * field type of a command it is given, and a command line names one subcommand (building all of
     * them cost a cold `podnic cni add` ~250 ms).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("cni", () -> new CniCommand());
        SUBCOMMANDS.put("vmi", () -> new VmiCommand());
        SUBCOMMANDS.put("validate", () -> new ValidateCommand());
        SUBCOMMANDS.put("pod", () -> new PodCommand());
        SUBCOMMANDS.put("node", () -> new NodeCommand());
        SUBCOMMANDS.put("guest", () -> new GuestCommand());
        SUBCOMMANDS.put("controller", () -> new ControllerCommand());
        SUBCOMMANDS.put("webhook", () -> new WebhookCommand());
        SUBCOMMANDS.put("install-cni", () -> new InstallCniCommand());
    }

    /** The whole command tree: for the help, and for tests that parse any command line. */
    public static CommandLine commandLine() {
        return with(SUBCOMMANDS.keySet());
    }

    /**
     * The tree {@code args} needs: only the subcommand they name; all of them for anything else (the
     * help, an unknown command, which picocli answers with suggestions). ({@code --version} alone
     * needs no picocli at all: {@code Main}.)
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            return with(Set.of(args[0]));
        }
        return commandLine();
    }

    private static CommandLine with(Set<String> names) {
        CommandLine root = new CommandLine(new PodnicCommand());
        SUBCOMMANDS.forEach((name, command) -> {
            if (names.contains(name)) {
                root.addSubcommand(name, command.get());
            }
        });
        return root;
    }
}
