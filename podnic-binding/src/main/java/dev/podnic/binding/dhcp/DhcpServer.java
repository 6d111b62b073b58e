package dev.podnic.binding.dhcp;

/** A running DHCP service for one vNIC. */
public interface DhcpServer {
    /** Something that identifies it for an operator (a PID, a libvirt network name). */
    String describe();

    /** Stops it; safe to call twice. */
    void stop();
}
