package dev.podnic.cni;

import dev.podnic.netlink.kernel.KernelNetworkOps;
import java.nio.file.Path;

/**
 * Whether a sandbox's network namespace holds a link of a name already. An ADD for a name another
 * attachment holds would fail in the plugins, and the DEL that undoes a failed ADD would then delete
 * that other attachment's interface (plugins delete by name): the runtime asks first.
 */
@FunctionalInterface
public interface SandboxLinks {
    /** The kernel's answer, by netlink inside the namespace; false when the namespace cannot be opened (the plugins say why). */
    SandboxLinks KERNEL = (netns, ifName) -> {
        try (KernelNetworkOps ops = KernelNetworkOps.open(netns)) {
            return ops.findLink(ifName).isPresent();
        } catch (RuntimeException notANamespace) {
            return false;
        }
    };

    boolean exists(Path netns, String ifName);
}
