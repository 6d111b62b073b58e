package dev.podnic.binding.apply;

import dev.podnic.cni.result.CniResult;

/**
 * How a VMI interface is requested from and returned to the node's CNI setup: in-process (the
 * launcher runs the plugins itself, for tests and single hosts) or through the node daemon's CNI
 * proxy. Both are idempotent.
 */
public interface VmiAttacher {
    /** The attachment of {@code vmiInterface} for the VM, added now or found from before. */
    CniResult attach(String vmIdentity, String vmiInterface);

    /** Releases it (CNI DEL); nothing to do when it does not exist. */
    void detach(String vmIdentity, String vmiInterface);

    /** The CNI network's name, for records ("" when the daemon's default). */
    String network();

    /** The CNI container ID of the VM's attachments as this attacher makes them, for records. */
    String containerId(String vmIdentity);
}
