package dev.podnic.cni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The OS seam of the CNI runtime: find a plugin binary and run it once. */
public interface PluginExec {

    /** The first executable named {@code type} in {@code dirs}, in order. */
    Optional<Path> find(String type, List<Path> dirs);

    /**
     * Runs {@code plugin} with exactly {@code env} as its environment and {@code stdin} as its input,
     * killing it (and its children) when it has not exited after {@code timeout}.
     *
     * @throws IOException when the process cannot be started
     */
    ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout) throws IOException;

    /**
     * {@link #run}, with the plugin given its input only once {@code inputWhen} completed: its process
     * may start meanwhile (a plugin acts on nothing before it has read its configuration). When
     * {@code inputWhen} fails, the plugin ends unread and this throws an {@link IOException} caused by
     * that failure. By default the process starts only then.
     */
    default ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout, CompletionStage<?> inputWhen)
            throws IOException {
        try {
            inputWhen.toCompletableFuture().join();
        } catch (CompletionException | CancellationException e) {
            throw new IOException("the plugin's input was withheld: " + (e.getCause() == null ? e : e.getCause()).getMessage(),
                    e.getCause() == null ? e : e.getCause());
        }
        return run(plugin, stdin, env, timeout);
    }

    /** What a finished (or killed) plugin left behind. */
    record ExecOutput(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
    }
}
