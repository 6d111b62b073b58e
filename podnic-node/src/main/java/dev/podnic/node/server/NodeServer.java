package dev.podnic.node.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.RequestException;
import dev.podnic.node.peer.RequestReader;
import dev.podnic.node.peer.UnixConnection;
import dev.podnic.node.peer.UnixServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Serves the node daemon's API on a Unix socket: one request per connection. Who asks comes from
 * the kernel at accept time ({@link Caller}); the request is read by a {@link RequestReader} within a
 * time and size limit, and only a complete request reaches a worker. A bad request gets an error
 * response; the server keeps serving everyone else.
 */
public final class NodeServer implements AutoCloseable {
    public static final int MAX_REQUEST = 64 * 1024;
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** Requests that may wait per worker before the daemon answers "busy". */
    static final int QUEUE_PER_WORKER = 4;
    /** Requests one pod may have in flight at once. */
    public static final int MAX_PER_POD = 8;
    private static final Duration ACCEPT_BACKOFF_MAX = Duration.ofSeconds(1);
    /** Connections being read (or drained) at once; each holds three descriptors (socket, pidfd, netns). */
    static final int MAX_READING = 1024;
    private static final Duration DRAIN = Duration.ofMillis(100);

    /**
     * How requests on one socket are framed, served and refused: the daemon's API and the admin API
     * (one JSON line each way), and the KubeVirt binding's CNI calls (see {@code CniCallWire}).
     */
    public interface Protocol {
        /** A request ends at a newline (or end of stream); false: only at end of stream. */
        boolean lineFramed();

        /** The encoded answer to one request from a caller the kernel identified. */
        byte[] serve(Caller caller, byte[] request);

        /** The answer to a request refused before it was read (see {@link NodeService#unreadable}), in this protocol's form. */
        byte[] refusal(NodeError error);

        /** Requests one caller's network namespace may have in flight at once. */
        default int perCaller() {
            return MAX_PER_POD;
        }
    }

    /** One JSON object per line each way ({@link NodeWire}), for a handler of parsed requests. */
    private static Protocol json(java.util.function.BiFunction<Caller, byte[], ObjectNode> handler) {
        return new Protocol() {
            @Override
            public boolean lineFramed() {
                return true;
            }

            @Override
            public byte[] serve(Caller caller, byte[] request) {
                return NodeWire.response(handler.apply(caller, request));
            }

            @Override
            public byte[] refusal(NodeError error) {
                return NodeWire.response(NodeWire.error(error));
            }
        };
    }

    private final UnixServer socket;
    private final Protocol protocol;
    private final NodeService service;
    private final ThreadPoolExecutor workers;
    /** Reads every request before a worker sees it: slow or silent clients hold no worker. */
    private final RequestReader reader;
    private final Duration readTimeout;
    /** Writes the answers that need no worker ("busy, try again"); bounded like the workers. */
    private final ThreadPoolExecutor refusing = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256),
            r -> {
                Thread t = new Thread(r, "podnic-node-refusals");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
    /** Connections in flight per pod namespace: one pod cannot take every worker. */
    private final Map<NetnsIdentity, Integer> perPod = new ConcurrentHashMap<>();
    /** When each request being served began (nanoTime), to tell a stuck daemon from a busy one. */
    private final Map<Thread, Long> serving = new ConcurrentHashMap<>();
    private final Thread acceptor;

    public NodeServer(UnixServer socket, NodeService service, int workers) {
        this(socket, service, json(new LauncherRequests(service)::handle), workers, READ_TIMEOUT);
    }

    /** Another protocol on its own socket (the KubeVirt binding's CNI calls). */
    public NodeServer(UnixServer socket, NodeService service, Protocol protocol, int workers) {
        this(socket, service, protocol, workers, READ_TIMEOUT);
    }

    /** With another read deadline: for tests that must hold connections open longer than the default. */
    NodeServer(UnixServer socket, NodeService service, int workers, Duration readTimeout) {
        this(socket, service, json(new LauncherRequests(service)::handle), workers, readTimeout);
    }

    /**
     * The admin API on its own socket (see {@link NodeAdmin}), for root only: the socket's mode keeps
     * others out, and the peer's uid from the kernel is checked as well — a file mode loosened by
     * mistake (or a mount that maps owners) must not open it.
     */
    public static NodeServer admin(UnixServer socket, NodeService service) {
        NodeAdmin admin = new NodeAdmin(service);
        return new NodeServer(socket, service, json((caller, body) -> caller.credentials().uid() == 0 ? admin.handle(body)
                : NodeWire.error(NodeError.of(NodeError.FORBIDDEN, "the admin API is root's; uid " + caller.credentials().uid()
                        + " may not use it"))), 2, READ_TIMEOUT);
    }

    private NodeServer(UnixServer socket, NodeService service, Protocol protocol, int workers, Duration readTimeout) {
        this.socket = socket;
        this.readTimeout = readTimeout;
        try {
            this.reader = new RequestReader(MAX_READING, "podnic-node-reader");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the request reader", e);
        }
        this.service = service;
        this.protocol = protocol;
        // A bounded queue: when it is full the daemon answers "busy, try again" at once (CNI code 11)
        // instead of piling up requests whose callers gave up long ago.
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(workers * QUEUE_PER_WORKER),
                r -> {
                    Thread t = new Thread(r, "podnic-node-worker");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.acceptor = new Thread(this::acceptLoop, "podnic-node-accept");
        this.acceptor.setDaemon(true);
    }

    public NodeServer start() {
        acceptor.start();
        return this;
    }

    private void acceptLoop() {
        long backoffMillis = 0;
        while (!socket.isClosed()) {
            UnixConnection c;
            try {
                c = socket.accept();
                AttachStep.reached(AttachStep.ACCEPTED);
                backoffMillis = 0;
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // Out of descriptors, say: wait a little (longer each time) instead of spinning on the error.
                backoffMillis = Math.min(ACCEPT_BACKOFF_MAX.toMillis(), Math.max(10, backoffMillis * 2));
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            // The caller is pinned here, at once: not after the request waited for a worker.
            Caller caller;
            try {
                caller = Caller.pin(c);
            } catch (RequestException e) {
                answerAtOnce(c, unreadable(code(e), e.getMessage()));
                continue;
            }
            int inFlight = perPod.merge(caller.netns(), 1, Integer::sum); // atomic with done()'s decrement
            if (inFlight > protocol.perCaller()) {
                done(caller);
                answerAtOnce(c, unreadable(CniError.TRY_AGAIN_LATER, "this pod has " + protocol.perCaller()
                        + " requests in flight already; try again later"));
                continue;
            }
            AttachStep.reached("caller pinned");
            boolean reading = reader.read(c, readTimeout, MAX_REQUEST, protocol.lineFramed(), new RequestReader.Outcome() {
                @Override
                public void read(byte[] request) {
                    try {
                        workers.execute(() -> {
                            try {
                                serve(c, caller, request);
                            } finally {
                                done(caller);
                            }
                        });
                    } catch (RejectedExecutionException full) {
                        done(caller);
                        answerAtOnce(c, unreadable(CniError.TRY_AGAIN_LATER, "the node daemon is busy; try again later"));
                    }
                }

                @Override
                public void failed(RequestException why) {
                    done(caller);
                    answerAtOnce(c, unreadable(code(why), why.getMessage()));
                }
            });
            if (!reading) {
                done(caller);
                answerAtOnce(c, unreadable(CniError.TRY_AGAIN_LATER, "the node daemon is busy; try again later"));
            }
        }
    }

    /** Ends a caller's turn: its namespace handle is closed, its in-flight count drops. */
    private void done(Caller caller) {
        perPod.computeIfPresent(caller.netns(), (k, n) -> n <= 1 ? null : n - 1);
        caller.close();
    }

    /** A request refused before it was read: counted and logged by the service, answered in this socket's protocol. */
    private NodeError unreadable(int code, String msg) {
        service.unreadable(code, msg);
        return NodeError.of(code, msg);
    }

    /**
     * An answer that needs no worker (busy, unidentified caller, a request that could not be read),
     * written off the acceptor and the reader. The connection is then drained for a moment by the
     * reader before it is closed: closing with a request still unread would reset it, and the client
     * might lose the answer. When even these answers pile up, the connection is just closed.
     */
    private void answerAtOnce(UnixConnection c, NodeError answer) {
        try {
            refusing.execute(() -> {
                try {
                    c.setTimeout(DRAIN);
                    c.write(protocol.refusal(answer));
                    c.shutdownOutput();
                } catch (IOException gone) {
                    c.close();
                    return;
                }
                if (!reader.read(c, DRAIN, Integer.MAX_VALUE, true, closing(c))) {
                    c.close();
                }
            });
        } catch (RejectedExecutionException full) {
            c.close();
        }
    }

    private static RequestReader.Outcome closing(UnixConnection c) {
        return new RequestReader.Outcome() {
            @Override
            public void read(byte[] request) {
                c.close();
            }

            @Override
            public void failed(RequestException why) {
                c.close();
            }
        };
    }

    /** Connections whose request is being read (or whose answer is being drained) now. */
    public int reading() {
        return reader.held();
    }

    /** Why the workers are stuck, if a request has been served for longer than {@code limit}. */
    public java.util.Optional<String> stuck(Duration limit) {
        if (!reader.alive() && !socket.isClosed()) {
            return java.util.Optional.of("the request reader stopped: no request is read any more");
        }
        long now = System.nanoTime();
        return serving.values().stream().mapToLong(t -> now - t).max().stream()
                .filter(age -> age > limit.toNanos()).boxed().findFirst()
                .map(age -> "a request has been served for " + age / 1_000_000_000L + " s (more than " + limit.toSeconds() + " s)");
    }

    private void serve(UnixConnection c, Caller caller, byte[] request) {
        serving.put(Thread.currentThread(), System.nanoTime());
        AttachStep.reached("served by a worker");
        try (c) {
            byte[] response = protocol.serve(caller, request);
            c.setTimeout(READ_TIMEOUT); // a client that does not read its answer cannot hold the worker either
            c.write(response);
            AttachStep.reached("answer written");
        } catch (IOException e) {
            // the client went away; nothing to answer
        } finally {
            serving.remove(Thread.currentThread());
        }
    }

    private static int code(RequestException e) {
        return switch (e.kind()) {
            case TOO_LARGE -> NodeError.TOO_LARGE;
            case TIMED_OUT -> NodeError.TOO_SLOW;
            case GONE -> NodeError.FORBIDDEN;
        };
    }

    @Override
    public void close() {
        socket.close();
        reader.close();
        refusing.shutdown();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
