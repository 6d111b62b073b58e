package dev.podnic.binding.record;

import dev.podnic.store.JsonFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Per-VMI records under {@code <dir>/<namespace>_<name>.json}, written durably: a record that says a
 * step started survives a crash or a power cut, so {@code down} always knows what to undo. Indented,
 * for people reading them.
 */
public final class RecordStore implements Records {
    private final JsonFiles<VmiRecord> files;
    private final boolean durable;

    public RecordStore(Path dir) {
        this(dir, true);
    }

    /**
     * @param durable false where a power cut would leave nothing for a record to undo: the node daemon's
     *                KubeVirt binding, whose pods and DHCP servers all end with the node, and whose
     *                addresses are freed through the daemon's own (durable) ledger. A kill keeps every
     *                write either way (the page cache survives the process).
     */
    public RecordStore(Path dir, boolean durable) {
        this.files = new JsonFiles<>(dir, new VmiRecordJson(), "record");
        this.durable = durable;
    }

    private static String key(String namespace, String name) {
        return namespace + "_" + name;
    }

    public Path file(String namespace, String name) {
        return files.file(key(namespace, name));
    }

    @Override
    public void save(VmiRecord r) {
        files.write(key(r.namespace(), r.name()), r, durable);
    }

    @Override
    public Optional<VmiRecord> load(String namespace, String name) {
        return files.read(key(namespace, name));
    }

    @Override
    public void delete(String namespace, String name) {
        files.delete(key(namespace, name));
    }

    @Override
    public List<VmiRecord> list() {
        return files.all();
    }
}
