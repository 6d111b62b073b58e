package dev.podnic.node.server;

/**
 * One monitor per key (an attachment), from a fixed set: calls for one attachment never overlap,
 * calls for others rarely wait on each other, and the set does not grow with every attachment a
 * long-running daemon ever served (a map of a lock per key did). Two keys may share a monitor;
 * monitors are reentrant, and no caller holds one while it takes another of the same set.
 */
public final class KeyedLocks {
    private static final int STRIPES = 256;

    private final Object[] monitors = new Object[STRIPES];

    public KeyedLocks() {
        for (int i = 0; i < STRIPES; i++) {
            monitors[i] = new Object();
        }
    }

    /** The monitor to synchronize on for {@code key}. */
    public Object of(String key) {
        return monitors[Math.floorMod(key.hashCode() * 0x9E3779B9, STRIPES)];
    }
}
