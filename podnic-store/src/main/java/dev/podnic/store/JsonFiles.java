package dev.podnic.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of JSON documents, one file {@code <key>.json} each, replaced atomically (see
 * {@link AtomicFiles}): readers see a whole old or a whole new document, and a durable write
 * survives a crash or a power cut. Keys must be file names (callers derive them from names they
 * validated). Failures are {@link UncheckedIOException}s naming the file and what it holds.
 *
 * @param <T> the document type, read and written by its {@link JsonCodec}
 */
public final class JsonFiles<T> {
    private static final String SUFFIX = ".json";

    private final Path dir;
    private final JsonCodec<T> codec;
    private final String what;

    /** @param what what a document is, for messages ("record", "ledger entry") */
    public JsonFiles(Path dir, JsonCodec<T> codec, String what) {
        this.dir = dir;
        this.codec = codec;
        this.what = what;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String key) {
        return dir.resolve(key + SUFFIX);
    }

    /** Replaces the document; {@code durable} fsyncs it and the directory before returning. */
    public void write(String key, T value, boolean durable) {
        try {
            AtomicFiles.write(file(key), codec.write(value), durable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file(key), e);
        }
    }

    /**
     * Creates the document, which must not exist yet, durably and in place (see {@link AtomicFiles#createDurably}: a
     * crash in the middle may leave it empty or torn).
     */
    public void create(String key, T value) {
        try {
            AtomicFiles.createDurably(file(key), codec.write(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + file(key), e);
        }
    }

    public Optional<T> read(String key) {
        Path f = file(key);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(parse(f));
    }

    public void delete(String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + what + " " + file(key), e);
        }
    }

    /** Every document, in the order of their keys. */
    public List<T> all() {
        List<T> out = new ArrayList<>();
        for (Path f : files()) {
            out.add(parse(f));
        }
        return out;
    }

    /**
     * Every document that can be read, in the order of their keys; each one that cannot is moved to
     * {@code <dir>/quarantine/} (out of the way, kept for people to look at) and reported to
     * {@code quarantined} — one bad file never stops the rest.
     */
    public List<T> readable(java.util.function.BiConsumer<Path, UncheckedIOException> quarantined) {
        List<T> out = new ArrayList<>();
        for (Path f : files()) {
            try {
                out.add(parse(f));
            } catch (UncheckedIOException e) {
                quarantined.accept(quarantine(f), e);
            }
        }
        return out;
    }

    /** Moves a document aside into {@code <dir>/quarantine/}; returns where it went. */
    public Path quarantine(Path file) {
        try {
            Path q = Files.createDirectories(dir.resolve("quarantine"));
            Path target = q.resolve(file.getFileName() + "." + System.currentTimeMillis());
            return Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " aside", e);
        }
    }

    /** The documents moved aside as unreadable. */
    public List<Path> quarantined() {
        Path q = dir.resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(q)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + q, e);
        }
    }

    /** The documents' files (not the temporary files of writes in progress), sorted. */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // (a loop, not a stream: `podnic node ls` lists the ledger cold, where each first lambda costs)
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && !name.startsWith(".")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        Collections.sort(out);
        return out;
    }

    /** The document in {@code f}; an {@link UncheckedIOException} naming the file when it cannot be read. */
    public T parse(Path f) {
        try {
            return codec.read(Files.readAllBytes(f));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + what + " " + f + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
