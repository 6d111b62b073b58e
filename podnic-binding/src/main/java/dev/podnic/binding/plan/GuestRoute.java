package dev.podnic.binding.plan;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;

/** A route the guest should install: to {@code destination} via {@code gateway}, or on-link when it is null. */
public record GuestRoute(IpNet destination, InetAddress gateway) {

    public boolean onLink() {
        return gateway == null;
    }
}
