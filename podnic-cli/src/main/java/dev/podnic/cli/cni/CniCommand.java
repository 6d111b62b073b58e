package dev.podnic.cli.cni;

import picocli.CommandLine.Command;

@Command(name = "cni",
        mixinStandardHelpOptions = true,
        description = {
            "Run a CNI network's plugins for one attachment, like cnitool.",
            "",
            "Networks come from --conf-dir (.conflist, then .conf/.json, by file name); plugins from "
                + "--bin-dir. Results are cached in --cache-dir in libcni's format, so DEL, CHECK and GC find "
                + "what ADD did. A failed ADD is undone (DEL over the whole chain) so nothing stays allocated.",
            "",
            "Example (plugins act inside the node namespace, the interface lands in the pod's):",
            "  podnic cni add --net podnet --node-netns /run/netns/node \\",
            "      --netns /run/netns/pod1 --ifname vmi0 --container-id vmi-1234"},
        subcommands = {CniAdd.class, CniCheck.class, CniDel.class, CniStatus.class, CniGc.class,
            CniVersion.class, CniNetworks.class})
public final class CniCommand {
}
