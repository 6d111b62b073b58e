package dev.podnic.netlink.fake;

import dev.podnic.netlink.netns.NetnsException;
import dev.podnic.netlink.sys.Errno;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory kernel: a set of network namespaces, so that a veth pair can span two of them.
 * Every namespace behaves like the Linux kernel as far as podnic relies on it (the contract test
 * suite runs the same assertions against this and against the real kernel).
 */
public final class FakeKernel {
    private final Map<Path, FakeNamespace> namespaces = new HashMap<>();
    private final Map<InetAddress, InetAddress> neighbourLinkLocal = new HashMap<>();

    /** The link-local address that the owner of {@code global} answers from, in every namespace. */
    public synchronized void neighbour(InetAddress global, InetAddress linkLocal) {
        neighbourLinkLocal.put(global, linkLocal);
    }

    synchronized Optional<InetAddress> neighbourLinkLocal(InetAddress global) {
        return Optional.ofNullable(neighbourLinkLocal.get(global));
    }

    /** Creates an empty namespace (only {@code lo}, down) at {@code path}, like {@code ip netns add}. */
    public synchronized void createNamespace(Path path) {
        namespaces.putIfAbsent(path, new FakeNamespace(this));
    }

    /** Deletes a namespace and, as the kernel does, the far end of every veth leading into it. */
    public synchronized void deleteNamespace(Path path) {
        FakeNamespace ns = namespaces.remove(path);
        if (ns != null) {
            ns.destroy();
        }
    }

    /** Operations on the namespace at {@code path}. */
    public synchronized FakeNetworkOps open(Path path) {
        return new FakeNetworkOps(namespace(path), this);
    }

    synchronized FakeNamespace namespace(Path path) {
        FakeNamespace ns = namespaces.get(path);
        if (ns == null) {
            throw new NetnsException("enter", path.toString(), Errno.ENOENT.code(), "no such network namespace", null);
        }
        return ns;
    }
}
