package dev.podnic.node.peer;

import java.io.IOException;

/** A request that cannot be read: too large, or not arriving in time. */
public final class RequestException extends IOException {
    public enum Kind { TOO_LARGE, TIMED_OUT }

    private final Kind kind;

    public RequestException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
