package dev.podnic.netlink.sys;

import java.util.Arrays;

/** The errno values network operations meet, by name; anything else is {@link #OTHER}. */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12),
    EACCES(13), EFAULT(14), EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19), ENOTDIR(20), EINVAL(22),
    ENFILE(23), EMFILE(24), ENOTTY(25), ENOSPC(28), ERANGE(34), ENOBUFS(105), EMSGSIZE(90),
    EPROTONOSUPPORT(93), EOPNOTSUPP(95), EAFNOSUPPORT(97), EADDRINUSE(98), EADDRNOTAVAIL(99),
    ENETDOWN(100), ENETUNREACH(101), EHOSTUNREACH(113), ENOTEMPTY(39), ELOOP(40), OTHER(-1);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    public static Errno of(int code) {
        return Arrays.stream(values()).filter(e -> e.code == code).findFirst().orElse(OTHER);
    }

    public int code() {
        return code;
    }
}
