package dev.podnic.cni.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A CNI configuration directory (e.g. /etc/cni/net.d), read the way libcni reads it: first every
 * {@code .conflist}, then every {@code .conf} and {@code .json}, each group sorted by file name; the
 * first document whose name matches wins.
 */
public final class ConfigDirectory {
    private final Path dir;
    private final ConfigParser parser;

    public ConfigDirectory(Path dir, ConfigParser parser) {
        this.dir = dir;
        this.parser = parser;
    }

    /**
     * The network called {@code name}.
     *
     * @throws ConfigException when the directory is unreadable, the matching file is invalid,
     *                         or no file defines the network (listing what exists)
     */
    public NetworkConfigList load(String name) {
        List<String> unreadable = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : files()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                unreadable.add(file.getFileName() + " (" + e.getMessage() + ")");
                continue;
            }
            Optional<String> declared = parser.peekName(bytes);
            if (declared.isEmpty()) {
                unreadable.add(file.getFileName().toString());
                continue;
            }
            if (declared.get().equals(name)) {
                return parse(file, bytes);
            }
            names.add(declared.get());
        }
        String found = names.isEmpty() ? "no networks" : "networks " + String.join(", ", names);
        String bad = unreadable.isEmpty() ? "" : "; files without a readable name: " + String.join(", ", unreadable);
        throw new ConfigException(dir.toString(), "", "no network named \"" + name + "\" (found " + found + bad + ")");
    }

    /**
     * A fingerprint of the directory's configuration files (names, sizes, modification times): equal
     * fingerprints mean {@link #load} would read the same documents, so callers may cache by it.
     */
    public String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (Path f : files()) {
            try {
                sb.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                        .append(Files.getLastModifiedTime(f).toMillis()).append(';');
            } catch (IOException e) {
                sb.append(f.getFileName()).append(":?;");
            }
        }
        return sb.toString();
    }

    /** Every valid network in the directory, in lookup order; invalid files are reported, not thrown. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Path file : files()) {
            try {
                out.add(new Entry(file, Optional.of(parse(file, Files.readAllBytes(file))), Optional.empty()));
            } catch (ConfigException e) {
                out.add(new Entry(file, Optional.empty(), Optional.of(e.getMessage())));
            } catch (IOException e) {
                out.add(new Entry(file, Optional.empty(), Optional.of(file + ": " + e.getMessage())));
            }
        }
        return out;
    }

    /** One file of the directory: its network, or why it could not be read. */
    public record Entry(Path file, Optional<NetworkConfigList> network, Optional<String> error) {
    }

    private NetworkConfigList parse(Path file, byte[] bytes) {
        return file.toString().endsWith(".conflist")
                ? parser.parseList(bytes, file.toString())
                : parser.parseSingle(bytes, file.toString());
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir.toString(), "", "not a directory (set the CNI configuration directory with --conf-dir)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(Files::isRegularFile).sorted().toList();
            List<Path> ordered = new ArrayList<>(all.stream().filter(p -> p.toString().endsWith(".conflist")).toList());
            ordered.addAll(all.stream().filter(p -> p.toString().endsWith(".conf") || p.toString().endsWith(".json")).toList());
            return ordered;
        } catch (IOException e) {
            throw new ConfigException(dir.toString(), "", "cannot list directory: " + e.getMessage());
        }
    }
}
