package dev.podnic.binding.apply;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A piece of the caller's work offered to the threads of an {@link Executor}: one that gets to it
 * first does it beside the caller's other work; else the caller does it when it needs the result
 * ({@link #finish}), so an executor that runs nothing ({@link BindingEngine#AFTER_CNI_ADD}) leaves
 * the work where it always was. Either way the caller knows it ended before it goes on, or undoes.
 */
final class Offered<T> {
    private final FutureTask<T> task;
    private final AtomicBoolean taken = new AtomicBoolean();

    private Offered(Callable<T> work) {
        this.task = new FutureTask<>(work);
    }

    static <T> Offered<T> to(Executor threads, Callable<T> work) {
        Offered<T> offered = new Offered<>(work);
        threads.execute(() -> {
            if (offered.taken.compareAndSet(false, true)) {
                offered.task.run();
            }
        });
        return offered;
    }

    /** The work's result, done now by the caller if no other thread took it; what it threw, as thrown. */
    T finish() {
        if (taken.compareAndSet(false, true)) {
            task.run();
        }
        return awaited();
    }

    /**
     * The caller failed meanwhile: work another thread began is awaited (nothing may still be made while
     * the caller undoes), its failure added to {@code failure}; work not begun never will be.
     */
    void abandon(RuntimeException failure) {
        if (!taken.compareAndSet(false, true)) {
            try {
                awaited();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * The result once the work ended, or what it threw. Not cut short by an interrupt (kept for later):
     * what it makes must be known before the caller goes on, or undoes.
     */
    private T awaited() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) { // rethrown as thrown: it is the caller's failure now
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
