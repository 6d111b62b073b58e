package dev.podnic.netlink.netns;

import dev.podnic.netlink.NetlinkException;

/** Entering a namespace failed; carries the operation, the namespace path and errno. */
public final class NetnsException extends NetlinkException {
    private final String path;

    public NetnsException(String operation, String path, int errno, String message, Throwable cause) {
        super(operation, errno, path + ": " + message, cause);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
