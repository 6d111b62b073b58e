package dev.podnic.netlink;

import dev.podnic.netlink.sys.Errno;

/**
 * A network operation failed. Carries the operation (e.g. "add address 10.0.0.2/24 to vmi0"),
 * errno as {@link Errno}, and the kernel's own explanation when it gave one (extended ack).
 * Subtypes let callers act without comparing numbers: {@link NotFoundException},
 * {@link AlreadyExistsException}, {@link InvalidRequestException}.
 */
public class NetlinkException extends RuntimeException {
    private final String operation;
    private final Errno errno;
    private final int code;

    public NetlinkException(String operation, int code, String detail, Throwable cause) {
        super(operation + ": " + describe(code, detail), cause);
        this.operation = operation;
        this.errno = Errno.of(code);
        this.code = code;
    }

    private static String describe(int code, String detail) {
        Errno e = Errno.of(code);
        String name = e == Errno.OTHER ? "errno " + code : e.name();
        return detail == null || detail.isBlank() ? name : detail + " (" + name + ")";
    }

    /** The right subtype for an errno returned by the kernel. */
    public static NetlinkException of(String operation, int code, String detail) {
        if (meansNotFound(code)) {
            return new NotFoundException(operation, code, detail);
        }
        return switch (Errno.of(code)) {
            case EEXIST -> new AlreadyExistsException(operation, code, detail);
            case EINVAL, ERANGE, EOPNOTSUPP, E2BIG, EAFNOSUPPORT -> new InvalidRequestException(operation, code, detail);
            default -> new NetlinkException(operation, code, detail, null);
        };
    }

    /** Whether the kernel's {@code code} says the link, address or route asked for does not exist. */
    public static boolean meansNotFound(int code) {
        return switch (Errno.of(code)) {
            case ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL -> true;
            default -> false;
        };
    }

    public String operation() {
        return operation;
    }

    public Errno errno() {
        return errno;
    }

    /** The raw errno number. */
    public int code() {
        return code;
    }
}
