package dev.podnic.node.server;

import dev.podnic.cni.CniException;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.NetnsIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Frees what the ledger holds and nobody else will: attachments whose pod is gone, those a crash
 * left half-done (at start-up), a deleted VM's (release), and the CNI cache's leftovers (the spec's
 * GC). Takes the same per-attachment locks as the requests, so a pass never races an ADD or DEL of
 * the same attachment.
 */
final class LedgerCollector {
    private final CniRuntime cni;
    private final NetworkConfigs configs;
    private final String defaultNetwork;
    private final Ledger ledger;
    private final KeyedLocks locks;
    private final NodeMetrics metrics;
    private volatile long lastGcNanos = System.nanoTime();
    /** Where an entry is marked DELETING while its plugins' DEL runs, and removed after it answered. */
    private final Executor recording;

    LedgerCollector(CniRuntime cni, NetworkConfigs configs, String defaultNetwork, Ledger ledger, KeyedLocks locks, NodeMetrics metrics,
                    Executor recording) {
        this.cni = cni;
        this.configs = configs;
        this.defaultNetwork = defaultNetwork;
        this.ledger = ledger;
        this.locks = locks;
        this.metrics = metrics;
        this.recording = recording;
    }

    /**
     * Runs DEL for an entry (the key's lock held) and forgets it. The namespace path is passed only while it still is
     * the same namespace; else DEL runs without one, as the spec allows. The entry is marked DELETING while the plugins
     * run (written behind: DELETING only tells a crash what was under way; lost, the entry stays ADDED, which is safe —
     * GC frees it once its pod is gone, the launcher's DEL is repeated) and removed behind once it is marked: a kill
     * before its file went leaves DELETING, which the next start frees again (a DEL of nothing), never ADDED.
     */
    void undo(LedgerEntry e) {
        CompletableFuture<Void> marked = ledger.putBehind(e.with(LedgerEntry.State.DELETING, e.result()), recording);
        String netns = alive(e) ? e.netns() : "";
        long t0 = System.nanoTime();
        try {
            // (the entry's result is DEL's prevResult where the CNI cache has none: one on a tmpfs, after the node restarted)
            cni.del(configs.recorded(e), RuntimeConf.of(e.containerId(), netns, e.ifName()), e.result());
        } finally {
            metrics.plugins("DEL", System.nanoTime() - t0);
            awaitMarked(marked); // (the entry is DELETING on disk from here, or ADDED if it could not be marked)
        }
        if (marked.isCompletedExceptionally()) {
            ledger.remove(e); // a full state directory must not keep anyone from freeing — nor leave ADDED behind
        } else {
            ledger.removeBehind(e, recording);
        }
    }

    private static void awaitMarked(CompletableFuture<Void> marked) {
        try {
            marked.join();
        } catch (CompletionException | java.util.concurrent.CancellationException notMarked) {
            // (see undo: safe without it)
        }
    }

    /** Whether the entry's namespace still exists at its path. */
    static boolean alive(LedgerEntry e) {
        try {
            Path p = Path.of(e.netns());
            return Files.exists(p) && NetnsIdentity.of(p).equals(new NetnsIdentity(e.netnsDev(), e.netnsIno()));
        } catch (IOException ex) {
            return false;
        }
    }


    /**
     * Frees what nobody will free any more: attachments whose namespace is gone (the pod was deleted
     * or crashed without DEL) and, at start-up, those a crash left half-added or half-deleted.
     * Returns the entries freed.
     */
    GcPass collectGarbage(boolean startup) {
        List<LedgerEntry> freed = new java.util.ArrayList<>();
        List<String> failures = new java.util.ArrayList<>();
        for (LedgerEntry e : ledger.all()) {
            synchronized (locks.of(e.key())) {
                try {
                    if (startup && e.state() == LedgerEntry.State.ADDING && alive(e) && madeAsCached(e)) {
                        continue; // (an ADD answered before its record was written: made)
                    }
                } catch (UncheckedIOException unwritable) {
                    failures.add(e.ifName() + " of " + e.vmi() + " (" + e.containerId() + "): made, but cannot be recorded so: "
                            + unwritable.getMessage());
                    continue; // (kept ADDING: the next start tries again)
                }
                boolean interrupted = startup && e.state() != LedgerEntry.State.ADDED;
                if (interrupted || !alive(e)) {
                    try {
                        undo(e);
                        freed.add(e);
                    } catch (RuntimeException ex) {
                        failures.add(e.ifName() + " of " + e.vmi() + " (" + e.containerId() + "): " + ex.getMessage());
                    }
                }
            }
        }
        int deleted = cniGc(failures);
        metrics.gc(freed.size() + deleted, failures.size());
        lastGcNanos = System.nanoTime();
        return new GcPass(freed, failures);
    }

    /**
     * An ADDING entry whose plugins all ran and whose attachment was cached ({@link CniRuntime#cachedResult(NetworkConfigList, RuntimeConf)}: the
     * runtime caches an ADD only once its whole chain succeeded, and the DEL of a failed one removes it) was made, and
     * maybe answered: the daemon was killed before its ADDED record was written (a launcher's ADD does not wait for
     * it). Recorded as made now, with the cached result. A cache entry of another attachment of the key cannot be
     * there: an ADD fails on one, and every DEL removes it.
     */
    private boolean madeAsCached(LedgerEntry e) {
        NetworkConfigList net = configs.recorded(e);
        Optional<CniResult> cached;
        try {
            cached = cni.cachedResult(net, RuntimeConf.of(e.containerId(), e.netns(), e.ifName()));
        } catch (CniException | IllegalArgumentException unreadable) {
            return false; // (freed as an interrupted ADD; its DEL goes on without the cache entry)
        }
        cached.ifPresent(result -> ledger.put(e.with(LedgerEntry.State.ADDED, ResultJson.write(result, net.cniVersion())), true));
        return cached.isPresent();
    }

    /**
     * Why the daemon is not doing its job, if it is not: its last GC pass ended longer than three
     * intervals ago (a pass hangs), or the ledger needed entries moved aside. Empty when healthy.
     */
    java.util.Optional<String> problem(java.time.Duration gcInterval) {
        long sinceGc = System.nanoTime() - lastGcNanos;
        if (sinceGc > gcInterval.multipliedBy(3).plusSeconds(60).toNanos()) {
            return java.util.Optional.of("no garbage collection pass ended for " + sinceGc / 1_000_000_000L + " s (interval "
                    + gcInterval.toSeconds() + " s)");
        }
        return java.util.Optional.empty();
    }

    /**
     * Frees every attachment made for the VM {@code vmi}, wherever its pod is (the node agent asks
     * when the VM instance is deleted). Idempotent; throws on the first DEL that fails, keeping
     * that entry for the next attempt. Returns the entries freed.
     */
    List<LedgerEntry> release(String vmi) {
        List<LedgerEntry> freed = new java.util.ArrayList<>();
        for (LedgerEntry e : ledger.all()) {
            if (vmi.equals(e.vmi())) {
                synchronized (locks.of(e.key())) {
                    if (ledger.get(e.containerId(), e.ifName()).isPresent()) {
                        undo(e);
                        freed.add(e);
                    }
                }
            }
        }
        return freed;
    }

    /**
     * The spec's GC for every network the daemon serves: its cache holds only the daemon's own
     * attachments, so everything not ADDED in the ledger may go, and plugins of spec 1.1 get the
     * valid list to clean their own state. Returns how many cached attachments it deleted.
     */
    private int cniGc(List<String> failures) {
        Set<String> networks = new java.util.TreeSet<>();
        networks.add(defaultNetwork);
        List<LedgerEntry> all = ledger.all();
        all.forEach(e -> networks.add(e.network()));
        int deleted = 0;
        for (String name : networks) {
            try {
                NetworkConfigList net = configs.current(name);
                Set<dev.podnic.cni.Attachment> valid = new java.util.HashSet<>();
                for (LedgerEntry e : all) {
                    if (e.network().equals(name)) {
                        valid.add(new dev.podnic.cni.Attachment(e.containerId(), e.ifName())); // ADDING ones too: in flight
                    }
                }
                var report = cni.gc(net, valid);
                deleted += report.deleted().size();
                report.errors().forEach(err -> failures.add("network " + name + ": " + err));
            } catch (RuntimeException e) {
                failures.add("network " + name + ": " + e.getMessage()); // no longer configured, say: the next pass tries again
            }
        }
        return deleted;
    }
}
