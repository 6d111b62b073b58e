package dev.podnic.netlink.netns;

/** A namespace operation failed; carries the operation, the namespace path and errno (0 if none). */
public class NetnsException extends RuntimeException {
    private final String operation;
    private final String path;
    private final int errno;

    public NetnsException(String operation, String path, int errno, String message, Throwable cause) {
        super(operation + " " + path + ": " + message, cause);
        this.operation = operation;
        this.path = path;
        this.errno = errno;
    }

    public String operation() {
        return operation;
    }

    public String path() {
        return path;
    }

    public int errno() {
        return errno;
    }
}
