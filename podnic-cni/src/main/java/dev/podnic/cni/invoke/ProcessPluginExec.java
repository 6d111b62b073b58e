package dev.podnic.cni.invoke;

import dev.podnic.cni.timeline.AttachStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs plugins as child processes.
 *
 * <p>The process is started on {@code launcher}: a child inherits the network namespace of the
 * thread that forks it, so passing a thread pinned inside the node's namespace makes the plugins
 * act on that namespace (the default runs them where the caller runs). Output is drained on
 * background threads so a chatty plugin cannot block on a full pipe, and a plugin that outlives
 * its timeout is killed together with everything it started.
 */
public final class ProcessPluginExec implements PluginExec, AutoCloseable {
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(2);
    /** PIPE_BUF: what a pipe takes without blocking even at its smallest (one page, where a user's pipes are limited). */
    private static final int PIPE_TAKES_WHOLE = 4096;

    private final Executor launcher;
    private final ExecutorService io = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cni-plugin-io");
        t.setDaemon(true);
        return t;
    });

    /** Runs plugins in the caller's network namespace. */
    public ProcessPluginExec() {
        this(Runnable::run);
    }

    /** Starts plugins from {@code launcher}, e.g. a thread inside the node's network namespace. */
    public ProcessPluginExec(Executor launcher) {
        this.launcher = launcher;
    }

    @Override
    public Optional<Path> find(String type, List<Path> dirs) {
        return dirs.stream().map(d -> d.resolve(type))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    @Override
    public ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout) throws IOException {
        return run(plugin, stdin, env, timeout, CompletableFuture.completedFuture(null));
    }

    /** The process starts at once; its input is written once {@code inputWhen} completed (see {@link PluginExec}). */
    @Override
    public ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout, CompletionStage<?> inputWhen)
            throws IOException {
        AttachStep.reached("plugin spawning", plugin.getFileName());
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = start(pb);
        AttachStep.reached("plugin spawned", plugin.getFileName());
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()), io);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), io);
        CompletableFuture<?> withheld = inputWhen.toCompletableFuture();
        // An input a pipe takes whole is written by the thread that lets the plugin have it (this one, when it may
        // at once): handed to another thread, the plugin waited ~0.4 ms more for it, twice per chain. A larger one
        // could block until the plugin reads, so it is written on a thread of its own.
        boolean takenWhole = stdin.length <= PIPE_TAKES_WHOLE;
        withheld.whenComplete((done, failure) -> {
            if (failure != null) {
                io.execute(() -> killTree(process)); // before it has read a byte: it did nothing
            } else if (takenWhole) {
                giveInput(process, stdin);
            } else {
                io.execute(() -> giveInput(process, stdin));
            }
        });
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + plugin, e);
        }
        AttachStep.reached("plugin exited", plugin.getFileName());
        if (!exited) {
            killTree(process);
        }
        if (withheld.isCompletedExceptionally()) {
            Throwable why = withheld.handle((done, failure) -> failure instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : failure).join();
            throw new IOException("plugin " + plugin + " was ended before it read its input: " + why.getMessage(), why);
        }
        return new ExecOutput(exited ? process.exitValue() : -1, collect(out), collect(err), !exited);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        CompletableFuture<Process> started = new CompletableFuture<>();
        launcher.execute(() -> {
            try {
                started.complete(pb.start());
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
            }
        });
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + pb.command(), e);
        }
    }

    /**
     * The plugin first, then the children it had: found before (once it is gone they are re-parented and no longer
     * found), ended after (ended first, a child's end is something the plugin could still act on — a shell plugin
     * whose {@code $(cat)} ended would go on with empty input).
     */
    private static void killTree(Process process) {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(DRAIN_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] collect(CompletableFuture<byte[]> f) {
        try {
            return f.get(DRAIN_AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (ExecutionException | TimeoutException e) {
            return new byte[0]; // a grandchild we could not see still holds the pipe
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void giveInput(Process process, byte[] stdin) {
        AttachStep.reached("plugin given its input");
        writeAll(process.getOutputStream(), stdin);
    }

    private static void writeAll(OutputStream os, byte[] data) {
        try (os) {
            os.write(data);
        } catch (IOException e) {
            // The plugin exited without reading its input; its exit status tells the story.
        }
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
