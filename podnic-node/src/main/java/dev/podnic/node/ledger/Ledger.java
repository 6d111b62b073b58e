package dev.podnic.node.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.cache.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every attachment the node daemon made, one file each under {@code dir}, written durably (fsync of
 * file and directory) so that after a crash — even a power cut — the daemon knows every IP it may
 * have allocated.
 */
public final class Ledger {
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public Ledger(Path dir) {
        this.dir = dir;
    }

    public void put(LedgerEntry e) {
        put(e, true);
    }

    /**
     * {@code durable = false} is for DELETING only: losing it leaves the entry ADDED, which is safe
     * (GC frees it once its pod is gone; the launcher's DEL is repeated), and saves two fsyncs per DEL.
     */
    public void put(LedgerEntry e, boolean durable) {
        try {
            AtomicFiles.write(dir.resolve(e.key() + ".json"), json.writeValueAsBytes(e), durable);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write ledger entry " + e.key() + " in " + dir, ex);
        }
    }

    public Optional<LedgerEntry> get(String containerId, String ifName) {
        Path f = dir.resolve(containerId + "_" + ifName + ".json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(f.toFile(), LedgerEntry.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable ledger entry " + f, e);
        }
    }

    public void remove(LedgerEntry e) {
        try {
            Files.deleteIfExists(dir.resolve(e.key() + ".json"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public List<LedgerEntry> all() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<LedgerEntry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList()) {
                out.add(json.readValue(f.toFile(), LedgerEntry.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger in " + dir, e);
        }
        return out;
    }
}
