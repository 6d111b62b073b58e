package dev.podnic.netlink;

import java.util.Arrays;

/** Address and route scopes (rtnetlink's RT_SCOPE_*). */
public enum Scope {
    UNIVERSE(0), SITE(200), LINK(253), HOST(254), NOWHERE(255);

    private final int code;

    Scope(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Scope of(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst().orElse(UNIVERSE);
    }
}
