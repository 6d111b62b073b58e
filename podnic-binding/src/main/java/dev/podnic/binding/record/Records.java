package dev.podnic.binding.record;

import java.util.List;
import java.util.Optional;

/**
 * Where the engine keeps its per-VM records. {@link RecordStore} writes them durably to files; a
 * save returns only once the record would survive a crash, because the step it describes starts next.
 */
public interface Records {
    void save(VmiRecord r);

    Optional<VmiRecord> load(String namespace, String name);

    void delete(String namespace, String name);

    List<VmiRecord> list();
}
