package dev.podnic.netlink;

import dev.podnic.inet.IpNet;

/** An address on a link. */
public record Address(int linkIndex, IpNet address, Scope scope) {
}
