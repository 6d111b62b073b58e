package dev.podnic.node.api;

/**
 * A request to the node daemon: one JSON object per connection, terminated by a newline (see
 * {@link NodeWire} for the bytes). The proxy socket serves ADD, DEL, CHECK and LIST for launchers in
 * pods; the admin socket serves ATTACHMENTS and RELEASE for the node's own components.
 *
 * @param op      one of the op constants
 * @param netns   the caller's own network namespace path (verified against the kernel's view), or "" for the
 *                daemon to find it where the container runtime pins pod namespaces
 * @param ifName  the VMI interface (vmi0..vmi999); the pod's own interfaces are out of reach
 * @param vmi     the VM's identity (its uid); with the caller's namespace it derives the container ID
 * @param network the CNI network; empty for the daemon's default
 */
public record NodeRequest(String op, String netns, String ifName, String vmi, String network) {
    public static final String API_VERSION = "podnic.dev/v1";

    public static final String ADD = "ADD";
    public static final String DEL = "DEL";
    public static final String CHECK = "CHECK";
    public static final String LIST = "LIST";
    public static final String ATTACHMENTS = "ATTACHMENTS";
    public static final String RELEASE = "RELEASE";

    public NodeRequest {
        op = orEmpty(op);
        netns = orEmpty(netns);
        ifName = orEmpty(ifName);
        vmi = orEmpty(vmi);
        network = orEmpty(network);
    }

    /** An ADD, DEL or CHECK of one VMI interface. */
    public static NodeRequest attachment(String op, String netns, String ifName, String vmi, String network) {
        return new NodeRequest(op, netns, ifName, vmi, network);
    }

    /** An op without arguments (LIST, ATTACHMENTS). */
    public static NodeRequest of(String op) {
        return new NodeRequest(op, "", "", "", "");
    }

    public static NodeRequest release(String vmi) {
        return new NodeRequest(RELEASE, "", "", vmi, "");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
