package dev.podnic.cli;

import dev.podnic.cli.cni.CniCommand;
import dev.podnic.cli.guest.GuestCommand;
import dev.podnic.cli.k8s.ControllerCommand;
import dev.podnic.cli.k8s.WebhookCommand;
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
            "On one machine: `podnic vmi up` wires a VM's vNICs in a pod, `podnic node` is the node's CNI proxy; "
                + "./podnic demo shows it all. On Kubernetes: `podnic controller`, `podnic webhook` and the node DaemonSet "
                + "(`podnic node` + `podnic node agent`), manifests in deploy/. On KubeVirt: a network binding plugin "
                + "(`podnic install-cni`, `podnic sidecar`, deploy/kubevirt/, docs/kubevirt.md)."},
        subcommands = {CniCommand.class, VmiCommand.class, ValidateCommand.class, PodCommand.class, NodeCommand.class, GuestCommand.class,
                ControllerCommand.class, WebhookCommand.class, InstallCniCommand.class, SidecarCommand.class})
public final class PodnicCommand {
}
