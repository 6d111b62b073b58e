package dev.podnic.cni.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.json.JsonTrees;
import dev.podnic.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The on-disk result cache in libcni's format: {@code <dir>/results/<network>-<containerID>-<ifname>}
 * holding a {@code cniCacheV1} object, so podnic and libcni-based runtimes read each other's
 * entries. Writes are atomic (temporary file, then rename): a killed process leaves the old entry or
 * the new one, never half of one. Like libcni, the cache is not fsync'ed: it is a cache, rebuilt by
 * DEL/GC; durable records of attachments belong to the node daemon's ledger.
 */
public final class ResultCache {
    public static final String KIND = "cniCacheV1";

    private final Path resultsDir;

    public ResultCache(Path cacheDir) {
        this.resultsDir = cacheDir.resolve("results");
    }

    public Path file(String network, String containerId, String ifName) {
        return resultsDir.resolve(network + "-" + containerId + "-" + ifName);
    }

    public boolean exists(String network, String containerId, String ifName) {
        return Files.exists(file(network, containerId, ifName));
    }

    public void put(CachedAttachment a) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("kind", KIND);
        o.put("containerId", a.containerId());
        o.put("config", Base64.getEncoder().encodeToString(a.config()));
        o.put("ifName", a.ifName());
        o.put("networkName", a.networkName());
        if (!a.netns().isEmpty()) {
            o.put("netns", a.netns());
        }
        if (!a.cniArgs().isEmpty()) {
            ArrayNode args = o.putArray("cniArgs");
            a.cniArgs().forEach(e -> args.addArray().add(e.getKey()).add(e.getValue()));
        }
        if (!a.capabilityArgs().isEmpty()) {
            ObjectNode caps = o.putObject("capabilityArgs");
            a.capabilityArgs().forEach(caps::set);
        }
        if (a.result() != null) {
            o.set("result", a.result());
        }
        try {
            AtomicFiles.write(file(a.networkName(), a.containerId(), a.ifName()), JsonTrees.write(o), false);
        } catch (IOException e) {
            throw new CniException(new CniError(CniError.IO_FAILURE, "cannot write result cache", e.getMessage()),
                    "cannot write result cache in " + resultsDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cached attachment, if any.
     *
     * @throws CniException (code 6) when the file exists but is not a readable cniCacheV1 entry
     */
    public Optional<CachedAttachment> get(String network, String containerId, String ifName) {
        Path f = file(network, containerId, ifName);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(read(f));
    }

    /** Removes an entry; absent entries are fine. */
    public void remove(String network, String containerId, String ifName) {
        try {
            Files.deleteIfExists(file(network, containerId, ifName));
        } catch (IOException e) {
            throw new CniException(CniError.IO_FAILURE, "cannot remove cache entry " + file(network, containerId, ifName) + ": " + e.getMessage());
        }
    }

    /** Every readable cniCacheV1 entry (of {@code network}, or all when null), sorted by file name. */
    public List<CachedAttachment> list(String network) {
        if (!Files.isDirectory(resultsDir)) {
            return List.of();
        }
        List<CachedAttachment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(resultsDir)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                try {
                    CachedAttachment a = read(f);
                    if (network == null || network.equals(a.networkName())) {
                        out.add(a);
                    }
                } catch (CniException e) {
                    // Not ours to judge here (libcni skips such files too); get() reports them.
                }
            }
        } catch (IOException e) {
            throw new CniException(CniError.IO_FAILURE, "cannot list " + resultsDir + ": " + e.getMessage());
        }
        return out;
    }

    private CachedAttachment read(Path f) {
        try {
            JsonNode o = JsonTrees.read(Files.readAllBytes(f));
            if (o == null || !KIND.equals(o.path("kind").asText(null))) {
                throw new IOException("not a " + KIND + " entry");
            }
            List<Map.Entry<String, String>> args = new ArrayList<>();
            for (JsonNode pair : o.path("cniArgs")) {
                args.add(Map.entry(pair.path(0).asText(), pair.path(1).asText()));
            }
            Map<String, JsonNode> caps = new LinkedHashMap<>();
            o.path("capabilityArgs").fields().forEachRemaining(e -> caps.put(e.getKey(), e.getValue()));
            byte[] config = o.hasNonNull("config") ? Base64.getDecoder().decode(o.get("config").asText()) : new byte[0];
            JsonNode result = o.hasNonNull("result") ? o.get("result") : null;
            return new CachedAttachment(o.path("networkName").asText(), o.path("containerId").asText(),
                    o.path("ifName").asText(), o.path("netns").asText(""), config, args, caps, result);
        } catch (IOException | IllegalArgumentException e) {
            throw new CniException(new CniError(CniError.DECODE_FAILURE, "unreadable result cache entry", f.toString()),
                    "unreadable result cache entry " + f + ": " + e.getMessage(), e);
        }
    }
}
