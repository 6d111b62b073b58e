package dev.podnic.k8s.agent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A node daemon's ledger in memory: what launchers bound, what the agent released. */
final class FakeNodeAttachments implements NodeAttachments {
    final List<Attachment> ledger = new CopyOnWriteArrayList<>();
    final Queue<String> released = new ConcurrentLinkedQueue<>();
    final AtomicInteger failuresLeft = new AtomicInteger();

    void bind(String vmi, String ifName, String ip) {
        bind(vmi, ifName, ip, null);
    }

    /** A binding by a caller the daemon saw in pod {@code podUid}. */
    void bind(String vmi, String ifName, String ip, String podUid) {
        ledger.add(new Attachment(vmi, ifName, "podnet", "ADDED", List.of(ip), podUid));
    }

    @Override
    public List<Attachment> list() {
        return List.copyOf(ledger);
    }

    @Override
    public List<Attachment> release(String vmi) throws IOException {
        if (failuresLeft.getAndDecrement() > 0) {
            throw new IOException("node daemon: plugin bridge failed (code 11)");
        }
        List<Attachment> freed = new ArrayList<>(ledger.stream().filter(a -> a.vmi().equals(vmi)).toList());
        ledger.removeAll(freed);
        released.add(vmi + "=" + freed.stream().map(Attachment::ifName).toList());
        return freed;
    }
}
