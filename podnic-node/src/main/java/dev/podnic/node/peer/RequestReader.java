package dev.podnic.node.peer;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the requests of every accepted connection on one thread, with poll(2): a request is a line
 * (or everything up to end of stream) that must arrive whole within its deadline and size limit.
 * Only complete requests go on to the workers, so clients that send slowly or not at all hold a
 * descriptor here until their deadline, never a worker. Bounded: past {@code capacity} connections
 * a new one is refused at once.
 */
public final class RequestReader implements AutoCloseable {
    private static final int EINTR = 4;

    /** Told, on the reader's thread or the caller of {@link #read} (so: quickly), how one connection's request ended. */
    public interface Outcome {
        void read(byte[] request);

        void failed(RequestException why);
    }

    private record Pending(UnixConnection c, long deadline, Duration within, int maxBytes, boolean lineFramed, Outcome outcome,
                           ByteArrayOutputStream got) {
    }

    private final int capacity;
    private final int wake;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentLinkedQueue<Pending> arriving = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public RequestReader(int capacity, String name) throws IOException {
        this.capacity = capacity;
        this.wake = UnixServer.call("eventfd", () -> LibC.INSTANCE.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Reads one request from {@code c} within {@code within} and at most {@code maxBytes}, then tells
     * {@code outcome}. A request ends at the first newline ({@code lineFramed}) or at end of stream.
     * What has arrived already is taken at once, on the caller's thread: a request that is complete
     * by then (a client writes it as it connects) is told from here, without waking the reader's
     * thread (~0.1–0.2 ms an ADD waited for that); the rest of one, or one not sent yet, is the
     * reader's. False when the reader holds {@code capacity} connections already (the caller answers
     * or closes {@code c} itself).
     */
    public boolean read(UnixConnection c, Duration within, int maxBytes, boolean lineFramed, Outcome outcome) {
        if (closed || held.incrementAndGet() > capacity) {
            held.decrementAndGet();
            return false;
        }
        Pending p = new Pending(c, System.nanoTime() + within.toNanos(), within, maxBytes, lineFramed, outcome,
                new ByteArrayOutputStream());
        if (!receive(p, new byte[4096])) { // (bounded: at most maxBytes are taken here)
            arriving.add(p);
            signal();
        }
        return true;
    }

    /** Connections being read now. */
    public int held() {
        return held.get();
    }

    /** Whether the reader still runs (for the daemon's health). */
    public boolean alive() {
        return thread.isAlive();
    }

    private void signal() {
        byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
        try {
            LibC.INSTANCE.write(wake, one, 8);
        } catch (LastErrorException full) {
            // the counter is already non-zero: the reader wakes anyway
        }
    }

    private void loop() {
        List<Pending> pending = new ArrayList<>();
        byte[] buf = new byte[4096];
        while (!closed) {
            for (Pending p; (p = arriving.poll()) != null; ) {
                pending.add(p);
            }
            long now = System.nanoTime();
            long next = pending.stream().mapToLong(Pending::deadline).min().orElse(Long.MAX_VALUE);
            int timeout = next == Long.MAX_VALUE ? -1 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, (next - now + 999_999) / 1_000_000));
            ByteBuffer fds = ByteBuffer.allocate(8 * (pending.size() + 1)).order(ByteOrder.nativeOrder());
            fds.putInt(wake).putShort(LibC.POLLIN).putShort((short) 0);
            for (Pending p : pending) {
                fds.putInt(p.c().fd()).putShort(LibC.POLLIN).putShort((short) 0);
            }
            byte[] polled = fds.array();
            try {
                LibC.INSTANCE.poll(polled, pending.size() + 1, timeout);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    // Never stop reading for everyone: the connections held now are given up, the next are read.
                    for (Pending p : pending) {
                        finish(p, null, new RequestException(RequestException.Kind.GONE, "the daemon could not read it (poll: errno "
                                + e.getErrorCode() + ")"));
                    }
                    pending = new ArrayList<>();
                }
                continue;
            }
            ByteBuffer events = ByteBuffer.wrap(polled).order(ByteOrder.nativeOrder());
            if (events.getShort(6) != 0) {
                try {
                    LibC.INSTANCE.read(wake, new byte[8], 8);
                } catch (LastErrorException nothing) {
                    // already cleared
                }
            }
            now = System.nanoTime();
            List<Pending> still = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                boolean ready = events.getShort(8 * (i + 1) + 6) != 0;
                boolean done = ready && receive(p, buf);
                if (!done && now - p.deadline() >= 0) {
                    finish(p, null, new RequestException(RequestException.Kind.TIMED_OUT,
                            "the request did not arrive within " + p.within().toMillis() + " ms"));
                    done = true;
                }
                if (!done) {
                    still.add(p);
                }
            }
            pending = still;
        }
        for (Pending p : pending) {
            finish(p, null, new RequestException(RequestException.Kind.GONE, "the node daemon is stopping"));
        }
    }

    /** Takes what has arrived; true once the request is complete (or failed). */
    private boolean receive(Pending p, byte[] buf) {
        try {
            while (true) {
                long n = p.c().receiveNow(buf);
                if (n < 0) {
                    return false;
                }
                if (n == 0) {
                    finish(p, p.got().toByteArray(), null); // end of stream: whatever came is the request
                    return true;
                }
                for (int i = 0; p.lineFramed() && i < n; i++) {
                    if (buf[i] == '\n') {
                        p.got().write(buf, 0, i);
                        finish(p, p.got().toByteArray(), null);
                        return true;
                    }
                }
                p.got().write(buf, 0, (int) n);
                if (p.got().size() > p.maxBytes()) {
                    finish(p, null, new RequestException(RequestException.Kind.TOO_LARGE, "request larger than " + p.maxBytes() + " bytes"));
                    return true;
                }
            }
        } catch (IOException e) {
            finish(p, null, new RequestException(RequestException.Kind.GONE, "the client went away: " + e.getMessage()));
            return true;
        }
    }

    private void finish(Pending p, byte[] request, RequestException failure) {
        held.decrementAndGet();
        try {
            if (failure == null) {
                p.outcome().read(request);
            } else {
                p.outcome().failed(failure);
            }
        } catch (RuntimeException e) {
            p.c().close(); // an outcome that throws must not stop the reader
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LibC.INSTANCE.close(wake);
    }
}
