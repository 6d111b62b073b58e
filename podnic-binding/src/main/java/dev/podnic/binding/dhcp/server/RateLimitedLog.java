package dev.podnic.binding.dhcp.server;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A server's log with a budget: at most {@code perWindow} lines per window, the rest counted and
 * reported with the next line that fits. The client on a bridge is a VM, and a VM may send requests
 * as fast as it likes: without a budget it would fill the node's disk through the daemon's log.
 */
final class RateLimitedLog implements Consumer<String> {
    static final int LINES_PER_MINUTE = 30;

    private final Consumer<String> out;
    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int written;
    private long dropped;

    RateLimitedLog(Consumer<String> out) {
        this(out, LINES_PER_MINUTE, Duration.ofMinutes(1), System::nanoTime);
    }

    RateLimitedLog(Consumer<String> out, int perWindow, Duration window, LongSupplier nanoTime) {
        this.out = out;
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    @Override
    public synchronized void accept(String line) {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            written = 0;
        }
        if (written >= perWindow) {
            dropped++;
            return;
        }
        written++;
        if (dropped > 0) {
            out.accept("(" + dropped + " lines not logged: more than " + perWindow + " a minute)");
            dropped = 0;
        }
        out.accept(line);
    }
}
