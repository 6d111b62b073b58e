package dev.podnic.node.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.store.JsonFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Every attachment the node daemon made, one file each under {@code dir}, written durably (fsync of
 * file and directory) so that after a crash — even a power cut — the daemon knows every IP it may
 * have allocated.
 */
public final class Ledger {
    private final JsonFiles<LedgerEntry> files;

    public Ledger(Path dir) {
        this.files = new JsonFiles<>(dir, LedgerEntry.class, new ObjectMapper(), "ledger entry");
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
        return files.read(LedgerEntry.key(containerId, ifName));
    }

    public void remove(LedgerEntry e) {
        files.delete(e.key());
    }

    public List<LedgerEntry> all() {
        return files.all();
    }
}
