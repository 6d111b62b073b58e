package dev.podnic.binding.dhcp;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.plan.VNicPlan;
import java.util.List;

/**
 * Serves a vNIC's plan by DHCP on its bridge. Two backends: libvirt networks, plain dnsmasq; a fake
 * for hermetic tests. {@code DhcpBackendContract} holds them to the same behaviour.
 */
public interface DhcpBackend extends AutoCloseable {
    String name();

    /**
     * True when starting the service creates the bridge itself (a libvirt network does); else
     * podnic creates the bridge and its address first.
     */
    boolean createsBridge();

    /**
     * What the backend does for {@code nic} before CNI ADD's result is known (the engine runs it
     * while the plugins run, once it made the bridge): the DHCP isolation, which needs the vNIC's
     * names only. {@link #start} isolates too (for callers that do not prepare); idempotent. Undone
     * by {@link #stopStray}. Backends that make the bridge themselves do nothing here.
     */
    default void prepare(VNic nic) {
    }

    DhcpServer start(VNicPlan plan);

    /** Whether {@code server} still runs and serves its bridge (the health of a bound vNIC). */
    boolean serves(DhcpServer server);

    /** Stops a server this backend started (also one recorded by an earlier, dead podnic); idempotent. */
    void stop(DhcpServer server);

    /**
     * Stops whatever this backend still runs for {@code bridge} although no record names it (podnic
     * died between starting it and recording it).
     */
    void stopStray(String bridge);

    /** The libvirt domain {@code <interface>} that plugs {@code nic} into what {@code server} serves. */
    String domainInterface(VNic nic, DhcpServer server);

    /**
     * What this backend serves for the VM's vNICs, found without a record (the record was lost): the
     * seed's way, following the VM's libvirt networks; dnsmasq finds its own processes.
     */
    List<DhcpServer> discover(VmNames vm);

    /** Lets go of connections; the servers keep running. */
    @Override
    default void close() {
    }
}
