package dev.podnic.node.peer;

import java.io.IOException;

/** A Unix socket operation failed; carries errno. */
public final class UnixSocketException extends IOException {
    private final int errno;

    public UnixSocketException(String operation, int errno) {
        super(operation + " failed (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
