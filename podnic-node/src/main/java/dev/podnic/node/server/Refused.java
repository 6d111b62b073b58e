package dev.podnic.node.server;

import dev.podnic.node.api.NodeError;

/** A request the daemon will not carry out, with the error to answer. */
final class Refused extends RuntimeException {
    final NodeError error;

    Refused(int code, String msg) {
        super(msg);
        this.error = NodeError.of(code, msg);
    }
}
