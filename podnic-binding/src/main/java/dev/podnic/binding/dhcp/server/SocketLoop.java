package dev.podnic.binding.dhcp.server;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * One thread that waits on the sockets of every vNIC's DHCP server and router advertiser at once
 * ({@code poll(2)}, its timeout the earliest of their timers) and hands each readable one to its owner: a node's vNICs cost descriptors, not threads (each socket was
 * opened in its pod's namespace and stays there; where it is polled from does not matter). Readiness
 * is served one packet per socket per round, so a flooding guest delays the others by one packet
 * each round at most.
 *
 * <p>Registration is safe from any thread: the loop is woken (an eventfd) to poll the new set, and
 * {@link #remove} returns only once the loop will no longer call that socket's owner, so the caller
 * may close the descriptor right after.
 */
final class SocketLoop implements AutoCloseable {
    private static final LibC C = LibC.INSTANCE;
    private static final int EINTR = 4;

    /** What a socket's owner wants done at a time of its choosing, besides reading (a periodic advertisement). */
    interface Timed {
        /** When {@link #due} is next wanted (System.nanoTime()); read on the loop's thread. */
        long dueNanos();

        /** Called on the loop's thread once {@link #dueNanos} has passed. */
        void due(long nowNanos);
    }

    private record Owner(IntConsumer readable, Timed timed) {
    }

    private final Map<Integer, Owner> owners = new ConcurrentHashMap<>();
    /** Held while an owner is called, and by {@link #remove}: once removed, an owner is never called again. */
    private final Object dispatching = new Object();
    private final int wake;
    private final Thread thread;
    private final java.util.function.Consumer<String> failures;
    private volatile boolean closed;

    /** @param failures told of what an owner threw (the loop goes on) */
    SocketLoop(String name, java.util.function.Consumer<String> failures) {
        this.failures = failures;
        this.wake = C.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        this.thread = new Thread(null, this::run, name, 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /** Calls {@code readable} with {@code fd} on the loop's thread whenever the socket has something to read. */
    void add(int fd, IntConsumer readable) {
        add(fd, readable, null);
    }

    /** As {@link #add(int, IntConsumer)}, and calls {@code timed} when it is due (null: never). */
    void add(int fd, IntConsumer readable, Timed timed) {
        owners.put(fd, new Owner(readable, timed));
        poke();
    }

    /** After this returns, {@code fd}'s owner is not called again; idempotent. */
    void remove(int fd) {
        synchronized (dispatching) {
            owners.remove(fd);
        }
        poke();
    }

    boolean running() {
        return thread.isAlive() && !closed;
    }

    /** How many sockets it waits on (its own wake-up aside). */
    int size() {
        return owners.size();
    }

    private void poke() {
        try {
            C.write(wake, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array(), 8);
        } catch (LastErrorException e) {
            // the counter is full: the loop is awake anyway
        }
    }

    private void run() {
        byte[] drained = new byte[8];
        while (!closed) {
            int[] fds = owners.keySet().stream().mapToInt(Integer::intValue).toArray();
            ByteBuffer polled = ByteBuffer.allocate(8 * (fds.length + 1)).order(ByteOrder.nativeOrder());
            polled.putInt(wake).putShort(LibC.POLLIN).putShort((short) 0);
            for (int fd : fds) {
                polled.putInt(fd).putShort(LibC.POLLIN).putShort((short) 0);
            }
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Owner o : owners.values()) {
                if (o.timed() != null) {
                    next = Math.min(next, Math.max(0, o.timed().dueNanos() - now));
                }
            }
            int timeout = next == Long.MAX_VALUE ? -1 : (int) Math.min(Integer.MAX_VALUE, (next + 999_999) / 1_000_000);
            try {
                C.poll(polled.array(), fds.length + 1, timeout);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw e; // a bug (EFAULT, EINVAL): the thread ends, and running() says so
            }
            if (polled.getShort(6) != 0) {
                try {
                    C.read(wake, drained, 8); // the set changed, or close(): poll the new set
                } catch (LastErrorException spurious) {
                    // EAGAIN: drained by an earlier round
                }
            }
            for (int i = 0; i < fds.length; i++) {
                if (polled.getShort(8 * (i + 1) + 6) != 0) {
                    synchronized (dispatching) {
                        Owner owner = owners.get(fds[i]);
                        if (owner != null) { // else removed meanwhile (its descriptor may already be another's)
                            int fd = fds[i];
                            served(fd, () -> owner.readable().accept(fd));
                        }
                    }
                }
            }
            long after = System.nanoTime();
            for (int fd : fds) {
                synchronized (dispatching) {
                    Owner owner = owners.get(fd);
                    if (owner != null && owner.timed() != null && owner.timed().dueNanos() - after <= 0) {
                        served(fd, () -> owner.timed().due(after));
                    }
                }
            }
        }
    }

    /**
     * One owner's turn. What it throws is a bug of that one server: it is reported, and the loop goes on
     * serving every other vNIC (a loop that died would silence them all).
     */
    private void served(int fd, Runnable turn) {
        try {
            turn.run();
        } catch (RuntimeException | Error e) {
            failures.accept("socket " + fd + ": " + e);
        }
    }

    /** Ends the thread; the owners' sockets are theirs to close. */
    @Override
    public void close() {
        closed = true;
        poke();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            C.close(wake);
        }
    }
}
