package dev.podnic.cli;

import dev.podnic.cli.cni.CniCommand;
import picocli.CommandLine.Command;

@Command(name = "podnic",
        mixinStandardHelpOptions = true,
        version = "podnic 0.1.0",
        description = {
            "Gives virtual machines their own pod-network IPs through the node's CNI setup.",
            "",
            "Today: a complete CNI runtime (the job of libcni and cnitool) that runs the host's CNI",
            "configuration and plugins. Start with: podnic cni --help"},
        subcommands = {CniCommand.class})
public final class PodnicCommand {
}
