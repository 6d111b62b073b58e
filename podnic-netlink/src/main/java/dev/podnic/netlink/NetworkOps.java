package dev.podnic.netlink;

import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Links, addresses, routes and sysctls of one network namespace. Links are named by their
 * interface name. Every failure is a {@link NetlinkException} carrying the operation and errno;
 * a refused request leaves the namespace as it was.
 *
 * <p>Implementations: {@code KernelNetworkOps} (rtnetlink in-process, the real kernel) and
 * {@code FakeNetworkOps} (in memory, same contract, same exceptions) — one contract test suite
 * runs against both.
 */
public interface NetworkOps extends AutoCloseable {

    List<Link> links();

    Optional<Link> findLink(String name);

    /** @throws NotFoundException (ENODEV) when there is no such link */
    default Link link(String name) {
        return findLink(name).orElseThrow(() -> (NotFoundException) NetlinkException.of("get link " + name,
                dev.podnic.netlink.sys.Errno.ENODEV.code(), "no such link"));
    }

    Link createBridge(String name);

    /** Needs the kernel's dummy driver (absent on some VM kernels: InvalidRequestException, EOPNOTSUPP). */
    Link createDummy(String name);

    /**
     * A veth pair: {@code name} here, {@code peerName} in the namespace at {@code peerNetns}
     * (this namespace when null).
     */
    Link createVeth(String name, String peerName, Path peerNetns);

    /** A persistent tap device (what a VM's NIC is plugged into). */
    Link createTap(String name);

    /**
     * A persistent tap device that user {@code owner} may attach to without privileges: QEMU in an
     * unprivileged pod (KubeVirt's runs as uid 107) opens it with {@code managed='no'}.
     */
    Link createTap(String name, int owner);

    void setUp(String name, boolean up);

    void setMtu(String name, int mtu);

    void setMac(String name, MacAddress mac);

    /** Renames a link, keeping its index. (Kernels before 6.x refuse this while the link is up: EBUSY.) */
    void rename(String name, String newName);

    /** Makes {@code name} a port of bridge {@code master}; {@code master == null} releases it. */
    void setMaster(String name, String master);

    /**
     * Makes {@code port} a port of {@code bridge}, at {@code mtu} (unchanged when {@code mtu <= 0}),
     * and up: as one request to the kernel where it can (three round trips and a lookup become two).
     */
    default void plug(String port, String bridge, int mtu) {
        if (mtu > 0) {
            setMtu(port, mtu);
        }
        setMaster(port, bridge);
        setUp(port, true);
    }

    /**
     * {@link #plug(String, String, int)} into {@code bridge} as read before (its index: no lookup by
     * name). A bridge deleted since: InvalidRequestException (EINVAL), the port's MTU possibly set.
     */
    void plug(String port, Link bridge, int mtu);

    /** Turns MAC learning of a bridge port on or off. */
    void setLearning(String port, boolean on);

    void deleteLink(String name);

    /**
     * Deletes every named link that exists (the others are ignored), as one kernel transaction where
     * the kernel allows it: each link's removal waits for the kernel's grace period (~30 ms here), a
     * batch waits once.
     */
    default void deleteLinks(java.util.Collection<String> names) {
        for (String name : names) {
            if (findLink(name).isPresent()) {
                deleteLink(name);
            }
        }
    }

    /** Addresses of a link, or of every link when {@code linkName} is null. */
    List<Address> addresses(String linkName);

    /**
     * Addresses of {@code link} as read before: of the link with its index (no lookup by name; none
     * when it is gone).
     */
    List<Address> addressesOf(Link link);

    void addAddress(String linkName, IpNet address, Scope scope);

    /**
     * An address without the route to its prefix ("noprefixroute"): an address that only identifies
     * the link to a server on it, and must not make its prefix reachable there.
     */
    void addAddressWithoutPrefixRoute(String linkName, IpNet address, Scope scope);

    void deleteAddress(String linkName, IpNet address);

    /** {@link #deleteAddress(String, IpNet)} of {@code link} as read before: by its index (ENODEV when it is gone). */
    void deleteAddress(Link link, IpNet address);

    /** Routes of one family in one table (254 = main), one per next hop (a multipath route is one per hop). */
    List<Route> routes(Family family, int table);

    /** {@link #routes(Family, int)} of both families, IPv4 first: one request to the kernel. */
    List<Route> routes(int table);

    void addRoute(Route route);

    /** Adds the route or replaces the one with the same destination, table and metric. */
    void replaceRoute(Route route);

    void deleteRoute(Route route);

    /**
     * The link-local address of the neighbour on {@code link} that owns the global IPv6 address
     * {@code owner}, asked of the link itself by echo requests from the link's own link-local address
     * (the owner's MAC, then the all-nodes answer from that MAC); empty when no answer came within
     * {@code timeout} of the first request (which waits, a few seconds at most, for the link's own
     * link-local address to pass duplicate address detection).
     */
    Optional<InetAddress> neighbourLinkLocal(String link, InetAddress owner, Duration timeout);

    /** A per-namespace sysctl, by dotted ("net.ipv4.ip_forward") or slash ("net/ipv4/conf/eth0.1/forwarding") name. */
    String sysctl(String key);

    void setSysctl(String key, String value);

    @Override
    void close();

    /** A unicast MAC (the kernel refuses others with EADDRNOTAVAIL; podnic says why before asking). */
    static void checkMac(String operation, MacAddress mac) {
        if (!mac.isUnicast()) {
            throw InvalidRequestException.refused(operation, mac + " is not a unicast MAC address "
                    + "(the first byte must be even, and not all zero)");
        }
    }

    /** The /proc/sys-relative path of a per-namespace sysctl; only net.* keys, no ".." tricks. */
    static String sysctlPath(String key) {
        String rel = key.contains("/") ? key : key.replace('.', '/');
        if (rel.contains("..") || rel.startsWith("/") || !rel.startsWith("net/")) {
            throw InvalidRequestException.refused("sysctl " + key, "only per-namespace net.* sysctls are supported");
        }
        return rel;
    }

    /** Linux limits interface names to 15 bytes (IFNAMSIZ - 1) and forbids '/', ':' and whitespace. */
    static void checkName(String operation, String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw InvalidRequestException.refused(operation, "invalid interface name \"" + name
                    + "\" (1-15 characters, no '/', ':' or whitespace)");
        }
    }
}
