package dev.podnic.kubevirt.cni;

import dev.podnic.node.server.GcPass;
import dev.podnic.node.server.NodeService;
import java.util.List;

/**
 * What the node daemon does with its state by itself, in the one order that works: at start-up and
 * on its period, the binding's attachments whose pod vanished go first — their DHCP sockets are what
 * keeps a vanished pod's namespace alive — then the ledger's GC frees what nobody will free any more
 * (at start-up also what a crash left half-done); at start-up, last, the living pods' leases are served
 * again (their guests renew with this process's servers).
 */
public final class Housekeeping {
    private final NodeService service;
    private final HostAttachments attachments;

    public Housekeeping(NodeService service, HostAttachments attachments) {
        this.service = service;
        this.attachments = attachments;
    }

    /**
     * What the start-up pass did.
     *
     * @param freedAttachments the binding's attachments freed (their pod was gone)
     * @param gc               the ledger's GC
     * @param resumed          how many bridges are served again
     */
    public record StartUp(List<String> freedAttachments, GcPass gc, int resumed, double millis) {
    }

    public StartUp startUp() {
        long t0 = System.nanoTime();
        List<String> freed = attachments.collectGarbage();
        GcPass gc = service.collectGarbage(true);
        int resumed = attachments.resumeDhcp();
        return new StartUp(freed, gc, resumed, (System.nanoTime() - t0) / 1e6);
    }

    /** One periodic pass; returns the ledger's GC. */
    public GcPass pass() {
        attachments.collectGarbage();
        return service.collectGarbage(false);
    }
}
