package dev.podnic.binding.testing;

import dev.podnic.netlink.NetworkOps;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * A pod's {@link NetworkOps} that crashes the process right after change number {@code crashAfter}
 * (1-based; 0: never) took effect: every link, address, route and sysctl change is a crash point.
 */
public final class CrashingNetworkOps {
    private static final Set<String> READS = Set.of("links", "findLink", "link", "addresses", "routes", "sysctl", "close",
            "toString", "hashCode", "equals");

    private final NetworkOps real;
    private final int crashAfter;
    private int changes;

    public CrashingNetworkOps(NetworkOps real, int crashAfter) {
        this.real = real;
        this.crashAfter = crashAfter;
    }

    /** How many changes went through so far. */
    public int changes() {
        return changes;
    }

    public NetworkOps ops() {
        return (NetworkOps) Proxy.newProxyInstance(NetworkOps.class.getClassLoader(), new Class<?>[] {NetworkOps.class},
                (proxy, method, args) -> invoke(method, args));
    }

    private Object invoke(Method method, Object[] args) throws Throwable {
        Object result;
        try {
            result = method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (!READS.contains(method.getName()) && ++changes == crashAfter) {
            throw new Crash("after pod change " + changes + ": " + method.getName());
        }
        return result;
    }
}
