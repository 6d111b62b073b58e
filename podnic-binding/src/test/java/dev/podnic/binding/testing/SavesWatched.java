package dev.podnic.binding.testing;

import dev.podnic.binding.record.Records;
import dev.podnic.binding.record.VmiRecord;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Records kept by {@code durable}, each save seen by the test before it is made and after it took effect. */
public final class SavesWatched {
    private SavesWatched() {
    }

    /**
     * @param before runs before each save; what it throws, the save throws, and nothing is written
     * @param after  runs once each save is written
     */
    public static Records around(Records durable, Consumer<VmiRecord> before, Consumer<VmiRecord> after) {
        return new Records() {
            @Override
            public void save(VmiRecord r) {
                before.accept(r);
                durable.save(r);
                after.accept(r);
            }

            @Override
            public Optional<VmiRecord> load(String namespace, String name) {
                return durable.load(namespace, name);
            }

            @Override
            public void delete(String namespace, String name) {
                durable.delete(namespace, name);
            }

            @Override
            public List<VmiRecord> list() {
                return durable.list();
            }
        };
    }
}
