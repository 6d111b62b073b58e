package dev.podnic.node.api;

import java.io.IOException;

/**
 * The node daemon did not answer: its socket is missing or refuses connections, or it closed the
 * connection without an answer (it was restarting). Not a refusal; retrying later may succeed.
 */
public final class NodeUnavailableException extends IOException {
    public NodeUnavailableException(String message) {
        super(message);
    }

    public NodeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
