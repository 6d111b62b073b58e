package dev.podnic.netlink.netns;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One platform thread that lives inside a network namespace for its whole life.
 *
 * <p>The thread enters the namespace before it takes any work and never leaves it: when this
 * object is closed the thread ends, so it can never carry a foreign namespace back into a pool.
 * Work submitted here runs in the namespace, and so do child processes started from it (a child
 * inherits the network namespace of the thread that forks it) — that is the reason to use it:
 * CNI plugins and, later, dnsmasq must run in the node's or pod's namespace.
 */
public final class NetnsThread implements Executor, AutoCloseable {
    private static final Runnable STOP = () -> { };

    private final Path path;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    private NetnsThread(Path path, CompletableFuture<Void> entered) {
        this.path = path;
        this.thread = new Thread(() -> run(entered), "netns-" + path.getFileName());
        this.thread.setDaemon(true);
    }

    /** Starts a thread inside the namespace at {@code path} (e.g. /run/netns/NAME). */
    public static NetnsThread enter(Path path) {
        if (!Files.exists(path)) {
            throw new NetnsException("enter", path.toString(), 2, "no such network namespace", null);
        }
        CompletableFuture<Void> entered = new CompletableFuture<>();
        NetnsThread t = new NetnsThread(path, entered);
        t.thread.start();
        try {
            entered.get();
            return t;
        } catch (ExecutionException e) {
            throw (NetnsException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.close();
            throw new NetnsException("enter", path.toString(), 0, "interrupted", e);
        }
    }

    private void run(CompletableFuture<Void> entered) {
        try {
            setns(path);
        } catch (NetnsException e) {
            entered.completeExceptionally(e); // the thread ends without ever serving work
            return;
        }
        entered.complete(null);
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            task.run(); // FutureTasks capture their own exceptions; the thread survives them
        }
    }

    private static void setns(Path path) {
        int fd;
        try {
            fd = LibC.INSTANCE.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetnsException("open", path.toString(), e.getErrorCode(), e.getMessage(), e);
        }
        try {
            LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new NetnsException("setns", path.toString(), e.getErrorCode(), e.getMessage(), e);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void execute(Runnable command) {
        if (closed || !thread.isAlive()) {
            throw new IllegalStateException("namespace thread for " + path + " has ended");
        }
        queue.add(command);
    }

    /**
     * Runs {@code work} inside the namespace and waits for it; its exception is rethrown as is. Called
     * from this thread's own work, it runs at once (queued, it would wait for the work that waits for it).
     */
    public <T> T call(Callable<T> work) throws Exception {
        if (Thread.currentThread() == thread) {
            return work.call();
        }
        FutureTask<T> task = new FutureTask<>(work);
        execute(task);
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
    }
}
