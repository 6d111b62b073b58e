package dev.podnic.node.ledger;

import dev.podnic.store.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Every attachment the node daemon made, one file each under {@code dir}, its first state written durably
 * ({@link #create}: fsync of file and directory) so that after a crash — even a power cut — the daemon knows
 * every IP it may have allocated; later states are written without fsync, some behind ({@link #putBehind}):
 * this ledger's readers see them at once, the file soon after. An entry that cannot be read (a disk error, a hand edit) is moved to
 * {@code dir/quarantine/} and reported, never fatal: the daemon keeps serving and collecting.
 */
public final class Ledger {
    /** Told of each entry moved aside: where it went and why. */
    @FunctionalInterface
    public interface Quarantine {
        Quarantine IGNORE = new Quarantine() { // (a class, not a lambda: `node ls` makes a ledger cold)
            @Override
            public void moved(Path file, String why) {
            }
        };

        void moved(Path file, String why);
    }

    private final JsonFiles<LedgerEntry> files;
    private final Quarantine quarantine;
    /**
     * Entries as parsed, by file, reused while the file is the same one (an atomic write makes a new
     * inode), of the same size and time: the daemon reads its whole ledger on every ADD (a pod's
     * quota) and every GC pass, and parsing 200 entries cost ~17 ms a time (1 ms to look at them).
     */
    private final Map<Path, Parsed> parsed = new ConcurrentHashMap<>();
    /**
     * Entries {@link #create} is writing now: in place, so another thread's {@link #all} may find one empty or half
     * written — not an entry yet, never one to move aside.
     */
    private final Set<Path> creating = ConcurrentHashMap.newKeySet();
    /**
     * Changes written behind ({@link #putBehind}, {@link #removeBehind}), by file: what this ledger's readers see of the
     * entry until its file says so too (empty: removed). A file is written behind inside this map's compute for it, so
     * a write behind and a change of the same entry made meanwhile ({@link #put}, {@link #remove}, {@link #create})
     * never interleave: the later one wins, on disk as here.
     */
    private final Map<Path, Optional<LedgerEntry>> behind = new ConcurrentHashMap<>();

    private record Parsed(Object fileKey, long size, FileTime modified, LedgerEntry entry) {
        boolean describes(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
        }
    }

    public Ledger(Path dir) {
        this(dir, Quarantine.IGNORE);
    }

    public Ledger(Path dir, Quarantine quarantine) {
        this.files = new JsonFiles<>(dir, new LedgerEntryJson(), "ledger entry");
        this.quarantine = quarantine;
    }

    public void put(LedgerEntry e) {
        put(e, true);
    }

    /**
     * A new entry (ADDING: no file for its key), durable before it returns, written in place — half the fsyncs of a
     * replace on ext4 (see {@link dev.podnic.store.AtomicFiles#createDurably}). A crash in the middle can leave it
     * empty (skipped by {@link #all}, removed by {@link #get} under the attachment's lock) or, after a power cut, torn
     * (moved aside as any damaged entry): either way before any plugin had its configuration, so nothing was allocated
     * under it. While it is being written, {@link #all} on another thread takes it for no entry yet.
     */
    public void create(LedgerEntry e) {
        Path f = files.file(e.key());
        writeBehindNow(f, e.key()); // (an entry of the key removed behind: its file goes first)
        creating.add(f);
        try {
            files.create(e.key(), e);
            remember(e);
        } finally {
            creating.remove(f);
        }
    }

    /**
     * Replaces the entry now. {@code durable = false} is for a state whose loss in a power cut is safe (ADDED: every
     * pod namespace went with it, and start-up frees ADDING and ADDED alike; DELETING: the entry stays ADDED, which
     * GC frees once its pod is gone); it saves two fsyncs.
     */
    public void put(LedgerEntry e, boolean durable) {
        behind.remove(files.file(e.key())); // (waits for a write behind of it under way: this one comes after)
        files.write(e.key(), e, durable);
        remember(e);
    }

    /**
     * Replaces the entry for this ledger's readers at once, and in its file (not durably, as {@link #put put(e, false)})
     * soon after on {@code on}: for a record the caller need not wait for — an answer is not held for its write — and
     * whose loss in a kill the next start repairs (ADDED from ADDING and the CNI cache; DELETING is informative). A later
     * change of the entry supersedes it, written or not. The returned stage completes once the file is written,
     * superseded, or failed (with the {@link UncheckedIOException}; readers then see what the file says).
     */
    public CompletableFuture<Void> putBehind(LedgerEntry e, Executor on) {
        return behind(e, Optional.of(e), on);
    }

    /**
     * Removes the entry for this ledger's readers at once, and its file soon after on {@code on}; a create of the same
     * key meanwhile removes the file first. A kill before the file goes leaves the entry as its file says.
     */
    public CompletableFuture<Void> removeBehind(LedgerEntry e, Executor on) {
        return behind(e, Optional.empty(), on);
    }

    private CompletableFuture<Void> behind(LedgerEntry e, Optional<LedgerEntry> change, Executor on) {
        Path f = files.file(e.key());
        behind.put(f, change);
        return CompletableFuture.runAsync(() -> writeBehindNow(f, e.key()), on);
    }

    /** Writes what is still behind for {@code f} (nothing when it was written or superseded); throws when that fails. */
    private void writeBehindNow(Path f, String key) {
        UncheckedIOException[] failed = {null};
        behind.computeIfPresent(f, (file, change) -> {
            try {
                if (change.isPresent()) {
                    files.write(key, change.get(), false);
                    remember(change.get());
                } else {
                    delete(key);
                }
            } catch (UncheckedIOException e) {
                failed[0] = e; // (no longer behind either way: readers see what the file says)
            }
            return null;
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    /** What was written needs no parsing when it is next looked at. */
    private void remember(LedgerEntry e) {
        Path f = files.file(e.key());
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            parsed.put(f, new Parsed(a.fileKey(), a.size(), a.lastModifiedTime(), e));
        } catch (IOException gone) {
            parsed.remove(f); // (removed meanwhile: the next look finds out)
        }
    }

    public Optional<LedgerEntry> get(String containerId, String ifName) {
        Optional<LedgerEntry> pending = behind.get(files.file(LedgerEntry.key(containerId, ifName)));
        if (pending != null) {
            return pending;
        }
        try {
            return files.read(LedgerEntry.key(containerId, ifName));
        } catch (UncheckedIOException unreadable) {
            Path f = files.file(LedgerEntry.key(containerId, ifName));
            if (!removedIfEmpty(f)) {
                quarantine.moved(files.quarantine(f), unreadable.getMessage());
            }
            return Optional.empty();
        }
    }

    /**
     * An empty entry is a {@link #create} a crash ended before it wrote anything: removed, not reported. Only where the
     * caller holds the attachment's lock (as every create of it does): elsewhere it could be one being created.
     */
    private boolean removedIfEmpty(Path f) {
        try {
            if (Files.size(f) == 0) {
                Files.deleteIfExists(f);
                parsed.remove(f);
                return true;
            }
            return false;
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void remove(LedgerEntry e) {
        behind.remove(files.file(e.key()));
        delete(e.key());
    }

    private void delete(String key) {
        files.delete(key);
        parsed.remove(files.file(key));
    }

    /** Every readable entry, in the order of their keys; one that cannot be read is moved aside and reported. */
    public List<LedgerEntry> all() {
        List<Path> listed = files.files();
        parsed.keySet().retainAll(new HashSet<>(listed));
        List<LedgerEntry> out = new ArrayList<>(listed.size());
        for (Path f : listed) {
            Optional<LedgerEntry> pending = behind.get(f);
            if (pending != null) {
                pending.ifPresent(out::add);
                continue;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(f, BasicFileAttributes.class);
            } catch (NoSuchFileException deletedMeanwhile) {
                parsed.remove(f);
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot look at ledger entry " + f, e);
            }
            Parsed p = parsed.get(f);
            if (p == null || !p.describes(attributes)) {
                p = parse(f, attributes);
                if (p == null) {
                    parsed.remove(f);
                    continue;
                }
                parsed.put(f, p);
            }
            out.add(p.entry());
        }
        return out;
    }

    /**
     * The entry in {@code f}; null when there is none now: one being created (here, now), an empty one (a create a crash
     * cut short; {@link #get} removes it), one gone meanwhile, or a damaged one — moved aside and reported.
     */
    private Parsed parse(Path f, BasicFileAttributes attributes) {
        try {
            return new Parsed(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), files.parse(f));
        } catch (UncheckedIOException unreadable) {
            if (creating.contains(f)) {
                return null;
            }
        }
        // Read once more, no create of it under way now: one that ended since the first read is whole.
        try {
            BasicFileAttributes again = Files.readAttributes(f, BasicFileAttributes.class);
            return again.size() == 0 ? null : new Parsed(again.fileKey(), again.size(), again.lastModifiedTime(), files.parse(f));
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at ledger entry " + f, e);
        } catch (UncheckedIOException damaged) {
            if (Files.exists(f)) { // (else deleted meanwhile: nothing to move aside)
                quarantine.moved(files.quarantine(f), damaged.getMessage());
            }
            return null;
        }
    }

    /** What a person asks for (`podnic node ls`): changes nothing, not even an unreadable entry's place. */
    public record Listing(List<LedgerEntry> entries, List<String> unreadable, List<Path> quarantined) {
    }

    public Listing list() {
        List<LedgerEntry> entries = new java.util.ArrayList<>();
        List<String> unreadable = new java.util.ArrayList<>();
        for (Path f : files.files()) {
            try {
                entries.add(files.parse(f));
            } catch (UncheckedIOException first) {
                // The daemon may be creating it right now (another process: its `creating` is not known here) —
                // empty, or not yet whole. An empty one says nothing; one that is whole when read again is listed.
                try {
                    if (Files.size(f) > 0) {
                        entries.add(files.parse(f));
                    }
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                } catch (IOException | UncheckedIOException e) {
                    unreadable.add(first.getMessage());
                }
            }
        }
        return new Listing(entries, unreadable, files.quarantined());
    }

    /** The entries moved aside as unreadable (for `podnic node ls` and the metrics). */
    public List<Path> quarantined() {
        return files.quarantined();
    }
}
