package dev.podnic.netlink.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child process of a test, waited for with a deadline: its output is read on a thread of its own,
 * so neither a child that never ends nor a grandchild that keeps the pipe open (a daemon it started)
 * can hang the test. Start children with {@code redirectErrorStream(true)}.
 */
public final class ChildProcess {
    /** How long the output may still take once the process ended (a daemon child may hold the pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private ChildProcess() {
    }

    /** How a child ended: its exit status and everything it printed. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output, after checking that the child succeeded. */
        public String orThrow(Object what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "): " + output.strip());
            }
            return output;
        }
    }

    /**
     * Waits for {@code p} up to {@code deadline}; a child that takes longer is killed and the test
     * fails with what it printed so far.
     */
    public static Result await(Process p, Duration deadline, Object what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "child-output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(what + " did not end within " + deadline + ": " + text(out));
            }
            reader.join(DRAIN.toMillis());
            return new Result(p.exitValue(), text(out));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /** Starts {@code pb} and waits for it (see {@link #await}). */
    public static Result run(ProcessBuilder pb, Duration deadline) {
        try {
            return await(pb.redirectErrorStream(true).start(), deadline, pb.command());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + pb.command(), e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException closed) {
            // the child is gone; what it printed is kept
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
