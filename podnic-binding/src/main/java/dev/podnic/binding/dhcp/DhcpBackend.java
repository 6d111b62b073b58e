package dev.podnic.binding.dhcp;

import dev.podnic.binding.plan.VNicPlan;

/** Serves a vNIC's plan by DHCP on its bridge. Two backends: libvirt networks, plain dnsmasq. */
public interface DhcpBackend {
    String name();

    DhcpServer start(VNicPlan plan);
}
