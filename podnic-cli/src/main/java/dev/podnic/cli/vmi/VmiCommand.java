package dev.podnic.cli.vmi;

import picocli.CommandLine.Command;

@Command(name = "vmi",
        description = {"Give a VM instance's pod-network vNICs their pod IPs: for each vNIC a VMI interface is added "
            + "to the pod through CNI, its configuration is moved to DHCP on a bridge, and the guest NIC plugged into "
            + "that bridge gets exactly that configuration.",
            "",
            "Example:",
            "  podnic vmi up examples/seed-vmi.yaml --pod-netns /run/netns/pod1 --node-netns /run/netns/node",
            "  podnic vmi status testvm",
            "  podnic vmi down testvm --node-netns /run/netns/node"},
        subcommands = {VmiUp.class, VmiDown.class, VmiStatus.class})
public final class VmiCommand {
}
