package dev.podnic.node.ledger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One attachment the daemon made. Written with state ADDING before any plugin runs, ADDED with
 * the result after, DELETING before DEL; removed when DEL succeeded.
 *
 * @param vmi      the VM's identity the caller gave (its uid); null in entries from before it was kept
 * @param netns    the namespace path the caller gave (checked to be its own)
 * @param netnsDev with {@code netnsIno}: the namespace's identity at ADD time
 * @param config   the network list's JSON at ADD time, for DEL after the configuration changed
 * @param podUid   the caller's Kubernetes pod (from its cgroup, as the kernel tells it), or null outside any pod
 *                 or in entries from before it was kept: what the node agent matches, not the claimed {@code vmi}
 */
public record LedgerEntry(String containerId, String ifName, String network, String vmi, String netns, long netnsDev, long netnsIno,
                          State state, int callerUid, long createdMillis, JsonNode config, JsonNode result, String podUid) {

    public enum State { ADDING, ADDED, DELETING }

    /** File-safe key: container ID and interface name. */
    public String key() {
        return key(containerId, ifName);
    }

    public static String key(String containerId, String ifName) {
        return containerId + "_" + ifName;
    }

    public LedgerEntry with(State s, JsonNode r) {
        return new LedgerEntry(containerId, ifName, network, vmi, netns, netnsDev, netnsIno, s, callerUid, createdMillis, config, r,
                podUid);
    }
}
