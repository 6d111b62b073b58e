package dev.podnic.node.server;

import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import java.nio.file.Path;

/** Whether an interface exists in a pod's network namespace: what the daemon's CHECK looks at. */
@FunctionalInterface
public interface PodInterfaces {
    /** The kernel's view, through netlink inside the namespace. */
    PodInterfaces KERNEL = (netns, ifName) -> {
        try (NetworkOps pod = KernelNetworkOps.open(netns)) {
            return pod.findLink(ifName).isPresent();
        }
    };

    boolean exists(Path netns, String ifName);
}
