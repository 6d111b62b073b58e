package dev.podnic.node.server;

/**
 * One VMI interface a caller asks the daemon about (ADD, DEL, CHECK), decoded from whatever carried it.
 *
 * @param netns   the caller's own network namespace path, only checked against the kernel's view; "" for
 *                the daemon to find it where the container runtime pins pod namespaces
 * @param ifName  the VMI interface (vmi0..vmi999); the pod's own interfaces are out of reach
 * @param vmi     the VM's identity (its uid); with the caller's namespace it derives the container ID
 * @param network the CNI network; "" for the daemon's default
 */
public record AttachmentRequest(String netns, String ifName, String vmi, String network) {
    public AttachmentRequest {
        netns = netns == null ? "" : netns;
        ifName = ifName == null ? "" : ifName;
        vmi = vmi == null ? "" : vmi;
        network = network == null ? "" : network;
    }
}
