package dev.podnic.node.server;

import dev.podnic.netlink.testing.ChildProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small tmpfs mounted over a test's directory, to run out of space on purpose. Its source name
 * carries the creating process's PID ({@code pdnt-fs-PID}) so that {@link #sweepLeftovers()}
 * unmounts only those of test runs that are gone. Mounts nothing anywhere else.
 */
final class TinyFilesystem implements AutoCloseable {
    private static final String PREFIX = "pdnt-fs-";

    private final Path dir;
    private final Path filler;

    private TinyFilesystem(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve(".filler");
    }

    static TinyFilesystem mount(Path dir, int kib) throws IOException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0700", PREFIX + ProcessHandle.current().pid(), dir.toString());
        return new TinyFilesystem(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes until the file system has no byte left. */
    void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    /** Gives the space back. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() {
        run("umount", dir.toString());
    }

    /** Unmounts the file systems of test runs that were killed (their PID is gone). */
    static void sweepLeftovers() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[0].startsWith(PREFIX) && f[2].equals("tmpfs")) {
                long pid = Long.parseLong(f[0].substring(PREFIX.length()));
                if (ProcessHandle.of(pid).isEmpty()) {
                    run("umount", "-l", f[1]);
                }
            }
        }
    }

    private static void run(String... command) {
        ChildProcess.Result r = ChildProcess.run(new ProcessBuilder(List.of(command)), Duration.ofSeconds(30));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
    }
}
