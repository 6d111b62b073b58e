package dev.podnic.node.server;

import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.version.SpecVersion;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An ADD's outcome: the CNI result, the spec version of its network (what the result is written in),
 * and how long the network's plugins took for it (zero when it was attached from before): the rest of
 * a request's time is the daemon's own.
 *
 * @param recorded done once the ledger records the attachment as made (see {@link #settle()})
 */
public record Attached(CniResult result, SpecVersion version, Duration plugins, CompletableFuture<Void> recorded) {
    /** Recorded as made already. */
    public Attached(CniResult result, SpecVersion version, Duration plugins) {
        this(result, version, plugins, CompletableFuture.completedFuture(null));
    }

    /**
     * Waits until the ledger records the attachment as made: an ADD is answered only after. Throws the
     * refusal when it could not be recorded (the attachment was deleted again by then).
     */
    public void settle() {
        try {
            recorded.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
