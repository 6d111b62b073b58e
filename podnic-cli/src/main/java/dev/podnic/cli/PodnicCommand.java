package dev.podnic.cli;

import dev.podnic.cli.cni.CniCommand;
import dev.podnic.cli.guest.GuestCommand;
import dev.podnic.cli.node.NodeCommand;
import dev.podnic.cli.pod.PodCommand;
import dev.podnic.cli.vmi.VmiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

@Command(name = "podnic",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT, // -h/-V, the version and the help width apply to every subcommand
        version = "podnic 0.1.0",
        usageHelpWidth = 100,
        description = {
            "Gives virtual machines their own pod-network IPs through the node's CNI setup.",
            "",
            "Today: a complete CNI runtime (the job of libcni and cnitool) that runs the host's CNI "
                + "configuration and plugins. Start with: podnic cni --help"},
        subcommands = {CniCommand.class, VmiCommand.class, ValidateCommand.class, PodCommand.class, NodeCommand.class, GuestCommand.class})
public final class PodnicCommand {
}
