package dev.podnic.netlink;

import dev.podnic.netlink.sys.Errno;

/** The request itself is wrong (EINVAL, ERANGE, EOPNOTSUPP, ...), found by the kernel or before sending. */
public final class InvalidRequestException extends NetlinkException {
    public InvalidRequestException(String operation, int code, String detail) {
        super(operation, code, detail, null);
    }

    /** A request podnic refuses before it reaches the kernel, with the kernel's errno for it. */
    public static InvalidRequestException refused(String operation, String why) {
        return new InvalidRequestException(operation, Errno.EINVAL.code(), why);
    }
}
