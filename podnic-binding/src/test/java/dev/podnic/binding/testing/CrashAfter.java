package dev.podnic.binding.testing;

import dev.podnic.binding.record.Records;
import dev.podnic.netlink.NetworkOps;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Crash points: every durable record write and every change to the pod's links, addresses and
 * routes, counted in the order they happen. The process "crashes" right after event number
 * {@code n} (1-based; 0: never) took effect — the write is on disk, the change in the kernel.
 */
public final class CrashAfter {
    private static final Set<String> READS = Set.of("links", "findLink", "link", "addresses", "addressesOf", "routes", "sysctl", "close",
            "toString", "hashCode", "equals");

    private final int n;
    private int events;

    public CrashAfter(int n) {
        this.n = n;
    }

    /** How many events happened so far. */
    public int events() {
        return events;
    }

    private void event(String what) {
        if (++events == n) {
            throw new Crash("after event " + events + ": " + what);
        }
    }

    /** {@code durable}, counting each save as an event. */
    public Records records(Records durable) {
        return SavesWatched.around(durable, r -> { },
                r -> event("record " + r.nics().stream().map(x -> x.vmiInterface() + " " + x.step()).toList()));
    }

    /** {@code real}, counting each change as an event. */
    public NetworkOps pod(NetworkOps real) {
        return (NetworkOps) Proxy.newProxyInstance(NetworkOps.class.getClassLoader(), new Class<?>[] {NetworkOps.class},
                (proxy, method, args) -> change(real, method, args));
    }

    private Object change(NetworkOps real, Method method, Object[] args) throws Throwable {
        Object result;
        try {
            result = method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (!READS.contains(method.getName())) {
            event("pod " + method.getName() + (args == null ? "" : " " + args[0]));
        }
        return result;
    }
}
