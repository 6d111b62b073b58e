package dev.podnic.node.server;

import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.SandboxLinks;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * An ADD as the ledger holds it: its entry ADDING, durable before any plugin has its configuration, the
 * plugins run, then ADDED with the result, written behind ({@link Ledger#putBehind}): the answer does not wait
 * for the file. An attachment whose ADDING entry cannot be written is not made (the caller told to retry: code
 * 11); one whose ADDED record cannot be written stays ADDING with its CNI cache entry, which start-up takes for
 * made ({@link LedgerCollector}). The checks before (who asks, for what, within which limits) are
 * {@link NodeService}'s; the caller holds the attachment's lock.
 */
final class LedgeredAdd {
    /**
     * A caller whose pod the daemon holds open already (the KubeVirt binding): {@code links} looks at its
     * interfaces once {@code open} completed, no plugin has its configuration before {@code proceed}, and the
     * caller goes on with its work in the pod while the ADDED record is written (it answers only once it is:
     * {@link Attached#settle()}).
     */
    record CallersPod(SandboxLinks links, CompletionStage<?> open, CompletionStage<?> proceed) {
    }

    private final CniRuntime cni;
    private final Ledger ledger;
    private final KeyedLocks locks;
    private final NodeMetrics metrics;
    /** Where ADDING entries are written while the plugins start, and the binding's ADDED records beside its work. */
    private final Executor recording;
    LedgeredAdd(CniRuntime cni, Ledger ledger, KeyedLocks locks, NodeMetrics metrics, Executor recording) {
        this.cni = cni;
        this.ledger = ledger;
        this.locks = locks;
        this.metrics = metrics;
        this.recording = recording;
    }

    /**
     * Runs the chain for {@code adding} (ADDING), the attachment's lock held; its ADDED record is written behind. With a
     * {@code pod} (the binding), the caller answers only once it is written ({@link Attached#settle()}), and one that
     * cannot be is deleted again; without (a launcher), it is answered at once.
     */
    Attached run(LedgerEntry adding, NetworkConfigList net, RuntimeConf rt, Optional<CallersPod> pod) {
        // Durable before any plugin has its configuration (so before anything is allocated), written while the
        // first plugin's process starts (~1.5 ms each; see CniRuntime.addTimed).
        CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> {
            ledger.create(adding);
            AttachStep.reached("ledger entry durable");
        }, recording);
        CniRuntime.Added added;
        try {
            added = pod.isEmpty() ? cni.addTimed(net, rt, recorded, recording) // (the caller's namespace looked at meanwhile)
                    : cni.addTimed(net, rt, pod.get().links(), pod.get().open(),
                            recorded.thenCombine(pod.get().proceed(), (written, proceeding) -> written));
        } catch (RuntimeException e) {
            Optional<UncheckedIOException> unrecorded = failure(recorded); // (awaited: removed only once written)
            if (unrecorded.isPresent()) { // no plugin had its configuration
                forgetUnwritten(adding);
                throw cannotRecord(unrecorded.get(), "nothing was added");
            }
            ledger.remove(adding); // the runtime ran DEL over the chain, or no plugin had its configuration
            throw e;
        }
        Optional<UncheckedIOException> unrecorded = failure(recorded);
        if (unrecorded.isPresent()) { // (a plugin that acted without reading its configuration: undone all the same)
            cni.del(net, rt);
            forgetUnwritten(adding);
            throw cannotRecord(unrecorded.get(), "the attachment was made and deleted again");
        }
        // The plugins' own time (the first one's from when it could have its configuration: its wait for the entry
        // and the caller is the daemon's).
        Duration plugins = added.plugins();
        metrics.plugins("ADD", plugins.toNanos());
        CniResult result = added.result();
        AttachStep.reached("chain done");
        LedgerEntry made = adding.with(LedgerEntry.State.ADDED, ResultJson.write(result, net.cniVersion()));
        return new Attached(result, net.cniVersion(), plugins, pod.isPresent() ? recordMade(made, net, rt)
                : ledger.putBehind(made, recording));
    }

    /**
     * Records {@code made} (ADDED) behind, for the binding: it answers only once this is done
     * (Attached.settle). Not fsync'ed: a kill keeps it (page cache); a power cut loses every pod namespace, and then
     * ADDING and ADDED are both freed by start-up GC — only ADDING had to be durable. Undone meanwhile (DEL, GC,
     * RELEASE), there is nothing to record. One that cannot be written is deleted again, and the refusal is what the
     * returned stage fails with.
     */
    private CompletableFuture<Void> recordMade(LedgerEntry made, NetworkConfigList net, RuntimeConf rt) {
        return ledger.putBehind(made, recording).exceptionally(failed -> {
            UncheckedIOException e = failed.getCause() instanceof UncheckedIOException io ? io
                    : new UncheckedIOException("cannot write ledger entry", new IOException(failed.getCause()));
            // An attachment the daemon cannot record as made is one it must not leave behind.
            synchronized (locks.of(made.key())) {
                cni.del(net, rt);
                forgetUnwritten(made);
            }
            throw cannotRecord(e, "the attachment was made and deleted again");
        });
    }

    /**
     * Removes what a failed write of {@code entry} may have left (renamed, and then its directory's
     * fsync failed); a directory that cannot be written now either leaves it to start-up GC, which
     * frees an ADDING entry by a DEL that finds nothing.
     */
    private void forgetUnwritten(LedgerEntry entry) {
        try {
            ledger.remove(entry);
        } catch (UncheckedIOException stillFailing) {
            // (see above)
        }
    }

    /** How writing a ledger entry ended: empty once it is written, else why it could not be. */
    private static Optional<UncheckedIOException> failure(CompletableFuture<?> recording) {
        try {
            recording.join();
            return Optional.empty();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                return Optional.of(io);
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A full or failing state directory: the caller may retry once an operator has made room. */
    private CniException cannotRecord(UncheckedIOException e, String outcome) {
        return NodeService.refusal(CniError.TRY_AGAIN_LATER, "the node daemon cannot record the attachment in its ledger ("
                + e.getMessage() + ": " + e.getCause().getMessage() + "); " + outcome + ". Make room in the daemon's state "
                + "directory (podnic node --state-dir), then retry");
    }
}
