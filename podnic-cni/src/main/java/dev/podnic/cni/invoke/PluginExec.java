package dev.podnic.cni.invoke;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** What a finished (or killed) plugin left behind. */
    record ExecOutput(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
    }
}
