package dev.podnic.binding.dhcp;

/** A DHCP backend could not serve a vNIC. */
public final class DhcpException extends RuntimeException {
    public DhcpException(String message) {
        super(message);
    }
}
