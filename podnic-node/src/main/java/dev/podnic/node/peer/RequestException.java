package dev.podnic.node.peer;

import java.io.IOException;

/** A request that cannot be read or answered: too large, not arriving in time, or its caller gone before it was identified. */
public final class RequestException extends IOException {
    public enum Kind { TOO_LARGE, TIMED_OUT, GONE }

    private final Kind kind;

    public RequestException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
