package dev.podnic.binding.attach;

import dev.podnic.api.VmNames;
import dev.podnic.cni.result.CniResult;
import java.util.Optional;

/**
 * How a VMI interface is requested from and returned to the node's CNI setup: in-process (the
 * launcher runs the plugins itself, for tests and single hosts) or through the node daemon's CNI
 * proxy. Both are idempotent: a second attach returns the first result, a detach of nothing is done.
 * Failures are {@link dev.podnic.cni.CniException}s carrying the CNI error (code 11 when the node
 * daemon is unavailable: retry later).
 */
public interface Attacher {
    /** The attachment of {@code vmiInterface} for the VM, added now or found from before. */
    CniResult attach(VmNames vm, String vmiInterface);

    /**
     * Whether the attachment still stands as it was made (not the plugins' CHECK: podnic moved the
     * address to the guest on purpose); a {@link dev.podnic.cni.CniException} says what is wrong.
     */
    void check(VmNames vm, String vmiInterface);

    /** Releases it (CNI DEL); nothing to do when it does not exist. */
    void detach(VmNames vm, String vmiInterface);

    /** The CNI network's name, for records ("" when the node daemon's default). */
    String network();

    /** The CNI container ID of the VM's attachments, for records; empty when the node daemon derives it. */
    Optional<String> containerId(VmNames vm);
}
