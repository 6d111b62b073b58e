package dev.podnic.binding.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * Per-VMI records under {@code <dir>/<namespace>_<name>.json}. Writes are durable: temporary file,
 * fsync, rename, fsync of the directory — a record that says a step started survives a crash or a
 * power cut, so {@code down} always knows what to undo.
 */
public final class RecordStore implements Records {
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RecordStore(Path dir) {
        this.dir = dir;
    }

    public Path file(String namespace, String name) {
        return dir.resolve(namespace + "_" + name + ".json");
    }

    @Override
    public void save(VmiRecord r) {
        try {
            AtomicFiles.write(file(r.namespace(), r.name()), json.writeValueAsBytes(r), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of " + r.namespace() + "/" + r.name() + " in " + dir, e);
        }
    }

    @Override
    public Optional<VmiRecord> load(String namespace, String name) {
        Path f = file(namespace, name);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(f.toFile(), VmiRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable record " + f, e);
        }
    }

    @Override
    public void delete(String namespace, String name) {
        try {
            Files.deleteIfExists(file(namespace, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<VmiRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<VmiRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.add(json.readValue(f.toFile(), VmiRecord.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
