package dev.podnic.cli.pod;

import picocli.CommandLine.Command;

@Command(name = "pod", description = "Local stand-ins for what a libvirt pod runs. Today: its libvirtd.",
        subcommands = {LibvirtdCommand.class})
public final class PodCommand {
}
