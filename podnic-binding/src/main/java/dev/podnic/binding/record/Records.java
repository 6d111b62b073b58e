package dev.podnic.binding.record;

import java.util.List;
import java.util.Optional;

/**
 * Where the engine keeps its per-VM records. {@link RecordStore} writes them to files; a save returns
 * only once the record would survive the process being killed, because the step it describes starts
 * next (and, unless told otherwise, a power cut too).
 */
public interface Records {
    void save(VmiRecord r);

    Optional<VmiRecord> load(String namespace, String name);

    void delete(String namespace, String name);

    List<VmiRecord> list();
}
