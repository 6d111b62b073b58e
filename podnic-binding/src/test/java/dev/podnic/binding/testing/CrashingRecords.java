package dev.podnic.binding.testing;

import dev.podnic.binding.record.Records;
import dev.podnic.binding.record.VmiRecord;
import java.util.List;
import java.util.Optional;

/**
 * Durable records that crash the process right after write number {@code crashAfter} (1-based; 0:
 * never): that record is on disk, the effects of the step it announces have not begun.
 */
public final class CrashingRecords implements Records {
    private final Records durable;
    private final int crashAfter;
    private int saves;

    public CrashingRecords(Records durable, int crashAfter) {
        this.durable = durable;
        this.crashAfter = crashAfter;
    }

    public int saves() {
        return saves;
    }

    @Override
    public void save(VmiRecord r) {
        durable.save(r);
        if (++saves == crashAfter) {
            throw new Crash("after record write " + saves + " (" + r.nics().stream()
                    .map(n -> n.vmiInterface() + " " + n.step()).toList() + ")");
        }
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
}
