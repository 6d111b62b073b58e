package dev.podnic.binding.dhcp.server;

import dev.podnic.netlink.netns.NetnsThread;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The DHCP servers one long-lived podnic process (the node daemon) runs in pods' namespaces — their
 * sockets, all served by one thread ({@link SocketLoop}) — by a
 * key of the caller's choosing (the lease file's path: unique per attachment and bridge). They live
 * as long as this process: whoever owns it serves the recorded leases again after a restart
 * ({@link InProcessDhcpBackend#resume}).
 */
public final class DhcpServers implements AutoCloseable {
    private final Map<String, BridgeDhcpServer> running = new ConcurrentHashMap<>();
    /** Every server's sockets, polled by one thread however many vNICs there are. */
    private final SocketLoop loop;

    /** Failures of a server's turn go to stderr. */
    public DhcpServers() {
        this(failure -> System.err.println("podnic-dhcp: a server failed (the others go on): " + failure));
    }

    /** @param failures told of a server whose turn failed (a bug: the loop goes on serving the others) */
    public DhcpServers(java.util.function.Consumer<String> failures) {
        this.loop = new SocketLoop("podnic-dhcp", failures);
    }

    /** Starts serving {@code lease} on {@code bridge}; a server already running under {@code key} is stopped first. */
    void start(String key, NetnsThread pod, String bridge, ServedLease lease, Consumer<String> log) {
        stop(key);
        running.put(key, BridgeDhcpServer.start(pod, bridge, lease, log, loop));
    }

    /** Idempotent. */
    void stop(String key) {
        BridgeDhcpServer s = running.remove(key);
        if (s != null) {
            s.close();
        }
    }

    boolean serving(String key) {
        BridgeDhcpServer s = running.get(key);
        return s != null && s.serving();
    }

    /** How many servers run (for the daemon's log and metrics). */
    public int size() {
        return running.size();
    }

    /** Stops every server: the process is going (they are served again by the next one). */
    @Override
    public void close() {
        running.keySet().forEach(this::stop);
        loop.close();
    }
}
