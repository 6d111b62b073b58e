package dev.podnic.k8s.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Keys to reconcile, each at most once in the queue, handled by workers that never work on the same
 * key at once; a failed key comes back after an exponential backoff (base doubling up to a cap), a
 * successful one forgets its failures; news about a key waiting out its backoff brings it forward.
 * Like client-go's rate-limited work queue, minus the frills.
 */
public final class WorkQueue implements AutoCloseable {
    /** What one attempt does: a {@link Reconciled} that is not finished, or an exception, means "again later". */
    @FunctionalInterface
    public interface Handler {
        Reconciled handle(String key);
    }

    private final ScheduledExecutorService executor;
    private final Handler handler;
    private final BiConsumer<String, RuntimeException> onRetry;
    private final long baseMillis;
    private final long capMillis;
    private final Map<String, ScheduledFuture<?>> queued = new HashMap<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();

    /** @param onRetry told of each failure (with the exception) before its retry; waiting is no failure */
    public WorkQueue(int workers, Duration base, Duration cap, Handler handler, BiConsumer<String, RuntimeException> onRetry) {
        this.executor = Executors.newScheduledThreadPool(workers, r -> {
            Thread t = new Thread(r, "podnic-reconcile");
            t.setDaemon(true);
            return t;
        });
        this.handler = handler;
        this.onRetry = onRetry;
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
    }

    public void add(String key) {
        schedule(key, 0);
    }

    private synchronized void schedule(String key, long delayMillis) {
        if (running.contains(key)) {
            dirty.add(key);
            return;
        }
        if (executor.isShutdown()) {
            return; // closing: a late informer event or retry has nowhere to go
        }
        ScheduledFuture<?> waiting = queued.get(key);
        if (waiting != null && delayMillis == 0 && waiting.getDelay(TimeUnit.MILLISECONDS) > 0 && waiting.cancel(false)) {
            waiting = null; // news about a key in backoff: look now (its failure count stays)
        }
        if (waiting == null) {
            queued.put(key, executor.schedule(() -> run(key), delayMillis, TimeUnit.MILLISECONDS));
        }
    }

    private void run(String key) {
        synchronized (this) {
            queued.remove(key);
            if (!running.add(key)) {
                dirty.add(key);
                return;
            }
        }
        long retryIn = -1;
        try {
            if (handler.handle(key).finished()) {
                synchronized (this) {
                    failures.remove(key);
                }
            } else {
                retryIn = backoff(key);
            }
        } catch (RuntimeException e) {
            retryIn = backoff(key);
            onRetry.accept(key + ": " + e.getMessage() + " (retry in " + retryIn + " ms)", e);
        } finally {
            boolean again;
            synchronized (this) {
                running.remove(key);
                again = dirty.remove(key);
            }
            if (retryIn >= 0) {
                schedule(key, retryIn);
            } else if (again) {
                schedule(key, 0);
            }
        }
    }

    /** Counts one more unfinished attempt; the delay before the next. */
    private synchronized long backoff(String key) {
        int n = failures.merge(key, 1, Integer::sum);
        return Math.min(capMillis, baseMillis << Math.min(n - 1, 20));
    }

    /** Keys waiting (now or after a backoff), not counting those being handled. */
    public synchronized int depth() {
        return queued.size();
    }

    public synchronized int failures(String key) {
        return failures.getOrDefault(key, 0);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
