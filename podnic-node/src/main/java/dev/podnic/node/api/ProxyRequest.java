package dev.podnic.node.api;

/**
 * A request to the node daemon (API version {@value #API_VERSION}), one JSON object per connection,
 * terminated by a newline.
 *
 * @param op      ADD, DEL, CHECK or LIST
 * @param netns   the caller's own network namespace path (verified against the kernel's view), or "" for the
 *                daemon to find it where the container runtime pins pod namespaces
 * @param ifName  the VMI interface (vmi0..vmi999); the pod's own interfaces are out of reach
 * @param vmi     the VM's identity (its uid); with the caller's namespace it derives the container ID
 * @param network the CNI network; empty for the daemon's default
 */
public record ProxyRequest(String apiVersion, String op, String netns, String ifName, String vmi, String network) {
    public static final String API_VERSION = "podnic.dev/v1";
}
