package dev.podnic.netlink.fake;

import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetlinkException;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import dev.podnic.netlink.sys.Errno;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One fake namespace with the kernel's rules: names are unique; MTUs have per-kind limits; only
 * bridges take ports; links keep their index when renamed (also while up, as kernels since 6.x
 * allow); IPv4 prefix routes exist while the link
 * is up; taking a link down removes its routes and its IPv6 addresses; a route needs its device
 * up and its gateway reachable. Errors carry the errno the kernel returns.
 */
final class FakeNamespace {
    private final FakeKernel kernel;
    private final Map<Integer, FakeLink> links = new LinkedHashMap<>();
    private final List<Address> addresses = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, String> sysctls = new LinkedHashMap<>();
    private final Random macs = new Random(42);
    private int nextIndex = 1;

    FakeNamespace(FakeKernel kernel) {
        this.kernel = kernel;
        FakeLink lo = new FakeLink(nextIndex++, "lo", "", new MacAddress(new byte[6]), 65536, 0, 0);
        links.put(lo.index, lo);
        sysctls.put("net/ipv4/ip_forward", "0");
        sysctls.put("net/ipv4/conf/all/forwarding", "0");
        sysctls.put("net/ipv6/conf/all/forwarding", "0");
        sysctls.put("net/core/somaxconn", "4096");
    }

    static NetlinkException error(String op, Errno errno, String detail) {
        return NetlinkException.of(op, errno.code(), detail);
    }

    List<Link> links() {
        return links.values().stream().map(FakeLink::snapshot).toList();
    }

    Optional<FakeLink> find(String name) {
        return links.values().stream().filter(l -> l.name.equals(name)).findFirst();
    }

    Optional<FakeLink> find(int index) {
        return Optional.ofNullable(links.get(index));
    }

    FakeLink require(String op, String name) {
        return find(name).orElseThrow(() -> error(op, Errno.ENODEV, "no such device"));
    }

    FakeLink add(String op, String name, String kind, int maxMtu) {
        if (find(name).isPresent()) {
            throw error(op, Errno.EEXIST, "a link with this name exists");
        }
        FakeLink l = new FakeLink(nextIndex++, name, kind, randomMac(), 1500, 68, maxMtu);
        links.put(l.index, l);
        sysctls.put("net/ipv4/conf/" + name + "/forwarding", "0");
        sysctls.put("net/ipv6/conf/" + name + "/disable_ipv6", "0");
        return l;
    }

    private MacAddress randomMac() {
        byte[] b = new byte[6];
        macs.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfe) | 0x02); // unicast, locally administered, as the kernel's random MACs
        return new MacAddress(b);
    }

    void setUp(FakeLink l, boolean up) {
        if (l.up == up) {
            return;
        }
        l.up = up;
        if (up) {
            addresses.stream().filter(a -> a.linkIndex() == l.index).forEach(a -> addPrefixRoute(l, a));
        } else {
            routes.removeIf(r -> r.linkIndex() == l.index);
            addresses.removeIf(a -> a.linkIndex() == l.index && !a.address().isIpv4());
        }
    }

    void setMtu(String op, FakeLink l, int mtu) {
        if (mtu < l.minMtu) {
            throw error(op, Errno.EINVAL, "mtu less than device minimum");
        }
        if (l.maxMtu > 0 && mtu > l.maxMtu) {
            throw error(op, Errno.EINVAL, "mtu greater than device maximum");
        }
        l.mtu = mtu;
    }

    void setMac(String op, FakeLink l, MacAddress mac) {
        if (!mac.isUnicast()) {
            throw error(op, Errno.EADDRNOTAVAIL, "not a unicast address");
        }
        l.mac = mac;
    }

    void rename(String op, FakeLink l, String newName) {
        if (l.name.equals(newName)) {
            return;
        }
        if (find(newName).isPresent()) {
            throw error(op, Errno.EEXIST, "a link with this name exists");
        }
        l.name = newName;
    }

    void setMaster(String op, FakeLink l, FakeLink master) {
        if (master == null) {
            l.masterIndex = 0;
            return;
        }
        if (master == l || l.kind.equals("bridge") && master.kind.equals("bridge")) {
            throw error(op, Errno.ELOOP, "Can not enslave a bridge to a bridge.");
        }
        if (!master.kind.equals("bridge")) {
            throw error(op, Errno.EOPNOTSUPP, null);
        }
        l.masterIndex = master.index;
        l.learning = true;
    }

    void setLearning(String op, FakeLink port, boolean on) {
        if (port.masterIndex == 0) {
            throw error(op, Errno.EOPNOTSUPP, null);
        }
        port.learning = on;
    }

    void delete(FakeLink l) {
        links.remove(l.index);
        addresses.removeIf(a -> a.linkIndex() == l.index);
        routes.removeIf(r -> r.linkIndex() == l.index);
        links.values().stream().filter(p -> p.masterIndex == l.index).forEach(p -> p.masterIndex = 0);
        sysctls.keySet().removeIf(k -> k.contains("/conf/" + l.name + "/"));
        if (l.peer != null) {
            FakeLink peer = l.peer;
            l.peer = null;
            peer.peer = null;
            l.peerNamespace.delete(peer);
        }
    }

    /** A namespace going away deletes its links, and with them the far ends of its veths. */
    void destroy() {
        new ArrayList<>(links.values()).forEach(this::delete);
    }

    List<Address> addresses() {
        return List.copyOf(addresses);
    }

    void addAddress(String op, FakeLink l, IpNet address, Scope scope) {
        addAddress(op, l, address, scope, true);
    }

    void addAddress(String op, FakeLink l, IpNet address, Scope scope, boolean prefixRoute) {
        if (addresses.stream().anyMatch(a -> a.linkIndex() == l.index && a.address().address().equals(address.address())
                && a.address().prefixLength() == address.prefixLength())) {
            throw error(op, Errno.EEXIST, null);
        }
        Address a = new Address(l.index, address, scope);
        addresses.add(a);
        if (prefixRoute && (l.up || !address.isIpv4())) {
            addPrefixRoute(l, a);
        }
    }

    void deleteAddress(String op, FakeLink l, IpNet address) {
        boolean removed = addresses.removeIf(a -> a.linkIndex() == l.index && a.address().address().equals(address.address())
                && a.address().prefixLength() == address.prefixLength());
        if (!removed) {
            throw error(op, Errno.EADDRNOTAVAIL, (address.isIpv4() ? "ipv4" : "ipv6") + ": Address not found.");
        }
        IpNet net = address.network();
        routes.removeIf(r -> r.linkIndex() == l.index && r.protocol() == Route.PROTO_KERNEL && r.destination().equals(net));
    }

    /** The kernel's route for a new address's subnet (none for /32 and /128). */
    private void addPrefixRoute(FakeLink l, Address a) {
        IpNet addr = a.address();
        int full = addr.isIpv4() ? 32 : 128;
        if (addr.prefixLength() == full) {
            return;
        }
        IpNet net = addr.network();
        Route r = addr.isIpv4()
                ? new Route(net, null, l.index, Scope.LINK, null, Route.MAIN_TABLE, false, Route.PROTO_KERNEL, addr.address())
                : new Route(net, null, l.index, Scope.UNIVERSE, 256, Route.MAIN_TABLE, false, Route.PROTO_KERNEL, null);
        if (routes.stream().noneMatch(x -> sameKey(x, r))) {
            routes.add(r);
        }
    }

    List<Route> routes(Family family, int table) {
        return routes.stream().filter(r -> r.family() == family && r.table() == table).toList();
    }

    void addRoute(String op, Route r, boolean replace) {
        if (r.linkIndex() != 0) {
            FakeLink dev = links.get(r.linkIndex());
            if (dev == null) {
                throw error(op, Errno.ENODEV, "no such device");
            }
            if (!dev.up) {
                throw error(op, Errno.ENETDOWN, "Device for nexthop is not up.");
            }
            if (r.gateway() != null && !r.onLink() && !reachable(r.gateway(), dev.index)) {
                throw error(op, Errno.ENETUNREACH, "Nexthop has invalid gateway.");
            }
        } else if (r.gateway() == null) {
            throw error(op, Errno.EINVAL, "a route needs a device or a gateway");
        } else if (!reachable(r.gateway(), 0)) {
            throw error(op, Errno.ENETUNREACH, "Nexthop has invalid gateway.");
        }
        Route stored = r.linkIndex() == 0 ? withDevice(r, deviceFor(r.gateway())) : r;
        if (!stored.destination().isIpv4() && stored.metric() == null) {
            stored = stored.withMetric(1024); // IPv6's default metric, as the kernel reports it
        }
        Route key = stored;
        Optional<Route> existing = routes.stream().filter(x -> sameKey(x, key)).findFirst();
        if (existing.isPresent()) {
            if (!replace) {
                throw error(op, Errno.EEXIST, null);
            }
            routes.remove(existing.get());
        }
        routes.add(stored);
    }

    void deleteRoute(String op, Route r) {
        boolean removed = routes.removeIf(x -> x.destination().equals(r.destination()) && x.table() == r.table()
                && (r.metric() == null || metric(x) == metric(r))
                && (r.linkIndex() == 0 || x.linkIndex() == r.linkIndex())
                && (r.gateway() == null || r.gateway().equals(x.gateway())));
        if (!removed) {
            throw error(op, Errno.ESRCH, "No such process");
        }
    }

    /** Routes are identified by destination, table and metric (the kernel's default metric: v4 0, v6 1024). */
    private static boolean sameKey(Route a, Route b) {
        return a.destination().equals(b.destination()) && a.table() == b.table() && metric(a) == metric(b);
    }

    private static int metric(Route r) {
        return r.metric() != null ? r.metric() : r.destination().isIpv4() ? 0 : 1024;
    }

    private boolean reachable(InetAddress gw, int deviceIndex) {
        return routes.stream().anyMatch(r -> r.gateway() == null && (deviceIndex == 0 || r.linkIndex() == deviceIndex)
                && r.destination().contains(gw));
    }

    private int deviceFor(InetAddress gw) {
        return routes.stream().filter(r -> r.gateway() == null && r.destination().contains(gw))
                .mapToInt(Route::linkIndex).findFirst().orElse(0);
    }

    private static Route withDevice(Route r, int index) {
        return new Route(r.destination(), r.gateway(), index, r.scope(), r.metric(), r.table(), r.onLink(), r.protocol(), r.source());
    }

    String sysctl(String op, String key) {
        String v = sysctls.get(key);
        if (v == null) {
            throw error(op, Errno.ENOENT, "no such sysctl");
        }
        return v;
    }

    void setSysctl(String op, String key, String value) {
        if (!sysctls.containsKey(key)) {
            throw error(op, Errno.ENOENT, "no such sysctl");
        }
        sysctls.put(key, value);
    }
}
