package dev.podnic.node.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.PeerCredentials;
import dev.podnic.node.peer.RequestException;
import dev.podnic.node.peer.UnixConnection;
import dev.podnic.node.peer.UnixServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves the node daemon's API on a Unix socket: one request per connection, read within a time
 * limit and a size limit; who asks comes from SO_PEERCRED and /proc/PID/ns/net. A bad request gets
 * an error response; the server keeps serving everyone else.
 */
public final class NodeServer implements AutoCloseable {
    public static final int MAX_REQUEST = 64 * 1024;
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** What the server does with one request from a caller the kernel identified. */
    @FunctionalInterface
    public interface Handler {
        ObjectNode handle(PeerCredentials caller, NetnsIdentity callerNetns, byte[] body);
    }

    private final UnixServer socket;
    private final Handler handler;
    private final NodeService service;
    private final ExecutorService workers;
    private final Thread acceptor;

    public NodeServer(UnixServer socket, NodeService service, int workers) {
        this(socket, service, service::handle, workers);
    }

    /** The admin API on its own socket (see {@link NodeAdmin}); the caller's identity is not consulted. */
    public static NodeServer admin(UnixServer socket, NodeService service) {
        NodeAdmin admin = new NodeAdmin(service);
        return new NodeServer(socket, service, (caller, netns, body) -> admin.handle(body), 2);
    }

    private NodeServer(UnixServer socket, NodeService service, Handler handler, int workers) {
        this.socket = socket;
        this.service = service;
        this.handler = handler;
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "podnic-node-worker");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "podnic-node-accept");
        this.acceptor.setDaemon(true);
    }

    public NodeServer start() {
        acceptor.start();
        return this;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            UnixConnection c;
            try {
                c = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                continue;
            }
            workers.execute(() -> serve(c));
        }
    }

    private void serve(UnixConnection c) {
        try (c) {
            c.setTimeout(READ_TIMEOUT);
            PeerCredentials peer = c.peer();
            byte[] response;
            try {
                NetnsIdentity netns = NetnsIdentity.ofProcess(peer.pid());
                byte[] body = c.readLine(MAX_REQUEST);
                response = NodeWire.response(handler.handle(peer, netns, body));
            } catch (RequestException e) {
                int code = e.kind() == RequestException.Kind.TOO_LARGE ? NodeError.TOO_LARGE : NodeError.TOO_SLOW;
                response = NodeWire.response(service.unreadable(code, e.getMessage()));
            }
            c.write(response);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    @Override
    public void close() {
        socket.close();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
