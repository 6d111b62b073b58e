package dev.podnic.node.peer;

/** Who is on the other end of a Unix socket, as the kernel says (SO_PEERCRED), not as the peer claims. */
public record PeerCredentials(long pid, int uid, int gid) {
}
