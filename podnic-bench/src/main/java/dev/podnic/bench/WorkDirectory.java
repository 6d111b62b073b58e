package dev.podnic.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A benchmark's scratch directory, removed with everything in it when the benchmark ends. */
final class WorkDirectory implements AutoCloseable {
    private final Path path;
    private Path onTmpfs;

    private WorkDirectory(Path path) {
        this.path = path;
    }

    static WorkDirectory create(String prefix) throws IOException {
        return new WorkDirectory(Files.createTempDirectory(prefix));
    }

    Path path() {
        return path;
    }

    /**
     * A directory on a tmpfs ({@code /dev/shm}), as a node's {@code /run} is, for what a deployment keeps there (the
     * node daemon's --binding-state-dir); made when first asked, removed with this one.
     */
    Path onTmpfs() throws IOException {
        if (onTmpfs == null) {
            Path shm = Path.of("/dev/shm");
            onTmpfs = Files.isDirectory(shm) ? Files.createTempDirectory(shm, path.getFileName() + "-run")
                    : Files.createDirectories(path.resolve("run"));
        }
        return onTmpfs;
    }

    @Override
    public void close() {
        remove(path);
        if (onTmpfs != null) {
            remove(onTmpfs);
        }
    }

    private static void remove(Path path) {
        try (var paths = Files.walk(path)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
    }
}
