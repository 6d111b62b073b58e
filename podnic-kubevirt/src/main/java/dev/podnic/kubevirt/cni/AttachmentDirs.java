package dev.podnic.kubevirt.cni;

import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.store.DirectoryTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The KubeVirt binding's state directory: one directory per attachment, named by its key (sandbox
 * and interface), holding the engine's record, the DHCP server's lease file and log, podnic-ra's
 * files and an adopted Multus interface's configuration. An attachment made before the state moved
 * is found where it was made ({@link BindingStateDirs}).
 */
final class AttachmentDirs {
    private final BindingStateDirs state;

    AttachmentDirs(BindingStateDirs state) {
        this.state = state;
    }

    Path dir(String key) {
        Path before = state.earlier().resolve(key);
        return state.moved() && Files.isDirectory(before) ? before : state.dir().resolve(key);
    }

    List<Path> all() {
        List<Path> out = new java.util.ArrayList<>(in(state.dir()));
        if (state.moved()) {
            out.addAll(in(state.earlier()));
        }
        return out;
    }

    private static List<Path> in(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(parent)) {
            return dirs.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An attachment's engine record; not fsync'ed (see {@link RecordStore#RecordStore(Path, boolean)}). */
    static RecordStore records(Path dir) {
        return new RecordStore(dir.resolve("records"), false);
    }

    /** The attachment's record; empty when an ADD died before it recorded anything. */
    static Optional<VmiRecord> record(Path dir) {
        return records(dir).list().stream().findFirst();
    }

    /** Idempotent. */
    static void delete(Path dir) {
        try {
            DirectoryTree.remove(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
