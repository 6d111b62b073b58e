package dev.podnic.netlink;

/** The link, address or route does not exist (ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL). */
public final class NotFoundException extends NetlinkException {
    public NotFoundException(String operation, int code, String detail) {
        super(operation, code, detail, null);
    }
}
