package dev.podnic.binding.dhcp;

import dev.podnic.binding.plan.VNicPlan;

/** Serves a vNIC's plan by DHCP on its bridge. Two backends: libvirt networks, plain dnsmasq. */
public interface DhcpBackend {
    String name();

    /**
     * True when starting the service creates the bridge itself (a libvirt network does); else
     * podnic creates the bridge and its address first.
     */
    boolean createsBridge();

    DhcpServer start(VNicPlan plan);

    /** Stops a server this backend started (also one recorded by an earlier, dead podnic); idempotent. */
    void stop(DhcpServer server);

    /**
     * Stops whatever this backend still runs for {@code bridge} although no record names it (podnic
     * died between starting it and recording it).
     */
    void stopStray(String bridge);
}
