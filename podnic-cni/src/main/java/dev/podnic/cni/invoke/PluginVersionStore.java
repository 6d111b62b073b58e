package dev.podnic.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.version.PluginVersions;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.json.JsonTrees;
import dev.podnic.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Plugins' VERSION answers kept across processes (one JSON file in the runtime's cache directory),
 * so that a fresh `podnic cni add` does not run every plugin twice. An answer is only ever used for
 * the binary it came from: the same path, size and modification time (to the nanosecond the file
 * system keeps); any of them different and the plugin is asked again. A cache and nothing more:
 * unreadable, or written by two processes at once (the last whole write wins), it only costs a
 * VERSION call.
 */
public final class PluginVersionStore {
    private final Path file;

    /** @param file e.g. {@code <cache dir>/podnic/plugin-versions.json} */
    public PluginVersionStore(Path file) {
        this.file = file;
    }

    /** The binary as the store keys it: path, size, modification time; -1 for a file that cannot be looked at. */
    public record Binary(Path path, long size, long modifiedNanos) {
        public static Binary of(Path path) {
            try {
                return new Binary(path, Files.size(path), Files.getLastModifiedTime(path).to(TimeUnit.NANOSECONDS));
            } catch (IOException unknown) {
                return new Binary(path, -1, -1);
            }
        }

        boolean known() {
            return size >= 0;
        }

        // equals and hashCode written out: a record's own are bootstrapped through method handles the
        // first time they run (~15 ms of a cold `cni add`, where this is the runtime's map key).
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && b.path.equals(path) && b.size == size && b.modifiedNanos == modifiedNanos;
        }

        @Override
        public int hashCode() {
            return (path.hashCode() * 31 + Long.hashCode(size)) * 31 + Long.hashCode(modifiedNanos);
        }
    }

    public Optional<PluginVersions> find(Binary binary) {
        if (!binary.known()) {
            return Optional.empty();
        }
        JsonNode entry = read().path(binary.path().toString());
        if (entry.path("size").asLong(-1) != binary.size() || entry.path("modifiedNanos").asLong(-1) != binary.modifiedNanos()) {
            return Optional.empty();
        }
        List<String> reported = new ArrayList<>();
        entry.path("reported").forEach(v -> reported.add(v.asText()));
        return Optional.of(new PluginVersions(reported.stream().map(SpecVersion::find).flatMap(Optional::stream).toList(), reported));
    }

    public void put(Binary binary, PluginVersions versions) {
        if (!binary.known()) {
            return;
        }
        ObjectNode all = read();
        ObjectNode entry = all.putObject(binary.path().toString());
        entry.put("size", binary.size()).put("modifiedNanos", binary.modifiedNanos());
        versions.reported().forEach(entry.putArray("reported")::add);
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, JsonTrees.write(all), false);
        } catch (IOException e) {
            // not kept: the next process asks the plugin again
        }
    }

    private ObjectNode read() {
        try {
            JsonNode n = JsonTrees.read(Files.readAllBytes(file));
            return n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        } catch (IOException noneOrUnreadable) {
            return JsonNodeFactory.instance.objectNode();
        }
    }
}
