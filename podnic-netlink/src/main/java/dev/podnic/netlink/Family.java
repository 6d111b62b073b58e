package dev.podnic.netlink;

/** Address family of routes and addresses. */
public enum Family {
    V4(2), V6(10);

    private final int af;

    Family(int af) {
        this.af = af;
    }

    /** AF_INET or AF_INET6. */
    public int af() {
        return af;
    }
}
