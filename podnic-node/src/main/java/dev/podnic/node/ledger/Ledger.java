package dev.podnic.node.ledger;

import dev.podnic.store.JsonFiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every attachment the node daemon made, one file each under {@code dir}, written durably (fsync of
 * file and directory) so that after a crash — even a power cut — the daemon knows every IP it may
 * have allocated. An entry that cannot be read (a disk error, a hand edit) is moved to
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
     * {@code durable = false} is for DELETING only: losing it leaves the entry ADDED, which is safe
     * (GC frees it once its pod is gone; the launcher's DEL is repeated), and saves two fsyncs per DEL.
     */
    public void put(LedgerEntry e, boolean durable) {
        files.write(e.key(), e, durable);
    }

    public Optional<LedgerEntry> get(String containerId, String ifName) {
        try {
            return files.read(LedgerEntry.key(containerId, ifName));
        } catch (UncheckedIOException unreadable) {
            quarantine.moved(files.quarantine(files.file(LedgerEntry.key(containerId, ifName))), unreadable.getMessage());
            return Optional.empty();
        }
    }

    public void remove(LedgerEntry e) {
        files.delete(e.key());
    }

    public List<LedgerEntry> all() {
        return files.readable((file, why) -> quarantine.moved(file, why.getMessage()));
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
            } catch (UncheckedIOException e) {
                unreadable.add(e.getMessage());
            }
        }
        return new Listing(entries, unreadable, files.quarantined());
    }

    /** The entries moved aside as unreadable (for `podnic node ls` and the metrics). */
    public List<Path> quarantined() {
        return files.quarantined();
    }
}
