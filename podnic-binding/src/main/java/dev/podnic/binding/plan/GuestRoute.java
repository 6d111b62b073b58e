package dev.podnic.binding.plan;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;

/** A route the guest should install: to {@code destination} via {@code gateway}, or on-link when it is null. */
public record GuestRoute(IpNet destination, InetAddress gateway) {

    public boolean onLink() {
        return gateway == null;
    }

    /** "10.0.0.0/24 via 10.0.0.1" or "10.0.0.1/32 on-link", as podnic prints and records it. */
    @Override
    public String toString() {
        return destination + (onLink() ? " on-link" : " via " + gateway.getHostAddress());
    }
}
