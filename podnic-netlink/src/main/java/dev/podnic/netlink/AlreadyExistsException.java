package dev.podnic.netlink;

/** The link, address or route exists already (EEXIST). */
public final class AlreadyExistsException extends NetlinkException {
    public AlreadyExistsException(String operation, int code, String detail) {
        super(operation, code, detail, null);
    }
}
