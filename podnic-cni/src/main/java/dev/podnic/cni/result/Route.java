package dev.podnic.cni.result;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;

/**
 * A route. Only {@code dst} and {@code gw} exist before spec 1.1.0; the other fields are dropped
 * when a result is written in an older version. Null means "not set".
 */
public record Route(IpNet dst, InetAddress gw, Integer mtu, Integer advmss, Integer priority, Integer table,
                    Integer scope) {

    public static Route of(IpNet dst, InetAddress gw) {
        return new Route(dst, gw, null, null, null, null, null);
    }

    public Route withoutExtensions() {
        return of(dst, gw);
    }
}
