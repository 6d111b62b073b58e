package dev.podnic.netlink.kernel;

import static dev.podnic.netlink.NetworkOps.checkName;

import com.sun.jna.LastErrorException;
import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.AlreadyExistsException;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetlinkException;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.NotFoundException;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import dev.podnic.netlink.netns.NetnsException;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.sys.Errno;
import dev.podnic.netlink.sys.LibC;
import dev.podnic.netlink.wire.AddressCodec;
import dev.podnic.netlink.wire.LinkCodec;
import dev.podnic.netlink.wire.NlMessage;
import dev.podnic.netlink.wire.RouteCodec;
import dev.podnic.netlink.wire.Rtnl;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * {@link NetworkOps} on the real kernel: rtnetlink through a socket opened inside the namespace
 * (so requests can then be sent from any thread), plus a thread living in the namespace for what
 * must run there — sysctls under /proc/sys and the tun driver's ioctls.
 */
public final class KernelNetworkOps implements NetworkOps {
    private final NetlinkSocket socket;
    private final NetnsThread thread;
    /** Whether closing ends {@link #thread} too (it does when this opened it). */
    private final boolean ownsThread;

    private KernelNetworkOps(NetlinkSocket socket, NetnsThread thread, boolean ownsThread) {
        this.socket = socket;
        this.thread = thread;
        this.ownsThread = ownsThread;
    }

    /** Operations on the namespace at {@code netns} (e.g. /run/netns/pod1). */
    public static KernelNetworkOps open(Path netns) {
        NetnsThread thread = NetnsThread.enter(netns);
        try {
            return new KernelNetworkOps(socketIn(thread), thread, true);
        } catch (RuntimeException e) {
            thread.close();
            throw e;
        }
    }

    /**
     * Operations on the namespace {@code thread} lives in, through it (its owner's: closing these
     * leaves it running) — one thread entering a pod instead of two where the caller needs one anyway.
     */
    public static KernelNetworkOps in(NetnsThread thread) {
        return new KernelNetworkOps(socketIn(thread), thread, false);
    }

    /** A netlink socket opened by {@code thread}: in its namespace. */
    private static NetlinkSocket socketIn(NetnsThread thread) {
        try {
            return thread.call(NetlinkSocket::open);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Operations on the caller's own namespace. */
    public static KernelNetworkOps current() {
        return new KernelNetworkOps(NetlinkSocket.open(), null, false);
    }

    @Override
    public List<Link> links() {
        return socket.dump("list links", LinkCodec.dump()).stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWLINK).map(LinkCodec::decode).toList();
    }

    @Override
    public Optional<Link> findLink(String name) {
        checkName("get link", name);
        return socket.find("get link " + name, LinkCodec.get(name)).map(LinkCodec::decode);
    }

    @Override
    public Link createBridge(String name) {
        return create(name, "bridge");
    }

    @Override
    public Link createDummy(String name) {
        return create(name, "dummy");
    }

    private Link create(String name, String kind) {
        String op = "create " + kind + " " + name;
        checkName(op, name);
        socket.execute(op, LinkCodec.create(name, kind));
        return link(name);
    }

    @Override
    public Link createVeth(String name, String peerName, Path peerNetns) {
        String op = "create veth " + name + " (peer " + peerName + (peerNetns == null ? "" : " in " + peerNetns) + ")";
        checkName(op, name);
        checkName(op, peerName);
        int fd = -1;
        if (peerNetns != null) {
            try {
                fd = LibC.INSTANCE.open(peerNetns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                throw new NetnsException(op + ": open", peerNetns.toString(), e.getErrorCode(), "cannot open the peer's namespace", e);
            }
        }
        try {
            socket.execute(op, LinkCodec.createVeth(name, peerName, fd));
        } finally {
            if (fd >= 0) {
                LibC.INSTANCE.close(fd);
            }
        }
        return link(name);
    }

    @Override
    public Link createTap(String name) {
        return createTap(name, Tap.NO_OWNER);
    }

    @Override
    public Link createTap(String name, int owner) {
        String op = "create tap " + name;
        checkName(op, name);
        if (findLink(name).isPresent()) {
            // TUNSETIFF would silently attach to an existing tap instead of failing.
            throw (AlreadyExistsException) NetlinkException.of(op, Errno.EEXIST.code(), "a link with this name exists");
        }
        inNamespace(() -> {
            Tap.create(name, owner);
            return null;
        });
        return link(name);
    }

    @Override
    public void setUp(String name, boolean up) {
        checkName("set link up/down", name);
        socket.execute("set " + name + (up ? " up" : " down"), LinkCodec.setUp(name, up));
    }

    @Override
    public void setMtu(String name, int mtu) {
        checkName("set mtu", name);
        socket.execute("set mtu " + mtu + " on " + name, LinkCodec.setMtu(name, mtu));
    }

    @Override
    public void setMac(String name, MacAddress mac) {
        checkName("set mac", name);
        NetworkOps.checkMac("set mac " + mac + " on " + name, mac);
        socket.execute("set mac " + mac + " on " + name, LinkCodec.setMac(name, mac));
    }

    @Override
    public void rename(String name, String newName) {
        String op = "rename " + name + " to " + newName;
        checkName(op, newName);
        socket.execute(op, LinkCodec.rename(link(name).index(), newName));
    }

    @Override
    public void setMaster(String name, String master) {
        String op = master == null ? "release " + name + " from its bridge" : "attach " + name + " to " + master;
        checkName(op, name);
        socket.execute(op, LinkCodec.setMaster(name, master == null ? 0 : link(master).index()));
    }

    @Override
    public void plug(String port, String bridge, int mtu) {
        plug(port, link(bridge), mtu);
    }

    @Override
    public void plug(String port, Link bridge, int mtu) {
        checkName("plug into " + bridge.name(), port);
        socket.execute("plug " + port + " into " + bridge.name() + (mtu > 0 ? " at mtu " + mtu : ""),
                LinkCodec.plug(port, mtu, bridge.index()));
    }

    @Override
    public void setLearning(String port, boolean on) {
        socket.execute("turn learning " + (on ? "on" : "off") + " on port " + port,
                LinkCodec.setLearning(link(port).index(), on));
    }

    @Override
    public void deleteLink(String name) {
        checkName("delete link", name);
        socket.execute("delete link " + name, LinkCodec.delete(name));
    }

    /**
     * One RTM_DELLINK for all of them: the links are put in a device group no other link of the
     * namespace is in, and the group is deleted (the kernel unregisters them together and waits for
     * one grace period instead of one each). A link that vanishes meanwhile is skipped.
     */
    @Override
    public void deleteLinks(Collection<String> names) {
        names.forEach(n -> checkName("delete link", n));
        List<NlMessage> all = socket.dump("list links", LinkCodec.dump()).stream().filter(m -> m.type() == Rtnl.RTM_NEWLINK).toList();
        List<Link> doomed = all.stream().map(LinkCodec::decode).filter(l -> names.contains(l.name())).toList();
        if (doomed.size() < 2) {
            doomed.forEach(l -> deleteLink(l.name()));
            return;
        }
        Set<Integer> taken = all.stream().map(LinkCodec::group).collect(Collectors.toSet());
        int group;
        do {
            group = ThreadLocalRandom.current().nextInt(1 << 30, Integer.MAX_VALUE); // far from groups people number by hand
        } while (taken.contains(group));
        for (Link l : doomed) {
            try {
                socket.execute("put " + l.name() + " in device group " + group, LinkCodec.setGroup(l.index(), group));
            } catch (NotFoundException gone) {
                // deleted by someone else meanwhile: what was asked
            }
        }
        socket.execute("delete links " + doomed.stream().map(Link::name).toList(), LinkCodec.deleteGroup(group));
    }

    @Override
    public List<Address> addresses(String linkName) {
        return addressesOfIndex(linkName == null ? 0 : link(linkName).index());
    }

    @Override
    public List<Address> addressesOf(Link link) {
        return addressesOfIndex(link.index());
    }

    private List<Address> addressesOfIndex(int index) {
        return socket.dump("list addresses", AddressCodec.dump()).stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWADDR).map(AddressCodec::decode)
                .filter(a -> index == 0 || a.linkIndex() == index).toList();
    }

    @Override
    public void addAddress(String linkName, IpNet address, Scope scope) {
        String op = "add address " + address + " to " + linkName;
        socket.execute(op, AddressCodec.add(linkFor(op, linkName).index(), address, scope));
    }

    @Override
    public void addAddressWithoutPrefixRoute(String linkName, IpNet address, Scope scope) {
        String op = "add address " + address + " (noprefixroute) to " + linkName;
        socket.execute(op, AddressCodec.add(linkFor(op, linkName).index(), address, scope, false));
    }

    @Override
    public Optional<InetAddress> neighbourLinkLocal(String link, InetAddress owner, Duration timeout) {
        Link probed = linkFor("probe " + link, link);
        InetAddress source = addresses(link).stream().map(a -> a.address().address())
                .filter(a -> a instanceof java.net.Inet6Address && a.isLinkLocalAddress()).findFirst()
                .orElseThrow(() -> NetlinkException.of("probe " + link, Errno.EADDRNOTAVAIL.code(), "no IPv6 link-local address"));
        return inNamespace(() -> LinkLocalProbe.find(link, probed.index(), probed.mac(), source, owner, timeout));
    }

    @Override
    public void deleteAddress(String linkName, IpNet address) {
        String op = "delete address " + address + " from " + linkName;
        socket.execute(op, AddressCodec.delete(linkFor(op, linkName).index(), address));
    }

    @Override
    public void deleteAddress(Link link, IpNet address) {
        socket.execute("delete address " + address + " from " + link.name(), AddressCodec.delete(link.index(), address));
    }

    @Override
    public List<Route> routes(Family family, int table) {
        return unicastRoutes(RouteCodec.dump(family), table).stream().filter(r -> r.family() == family).toList();
    }

    @Override
    public List<Route> routes(int table) {
        List<Route> all = unicastRoutes(RouteCodec.dumpAll(), table);
        return java.util.stream.Stream.concat(all.stream().filter(r -> r.family() == Family.V4),
                all.stream().filter(r -> r.family() == Family.V6)).toList();
    }

    /** Unicast routes of {@code table} of IPv4 and IPv6 among the answers to {@code dump} (other families are skipped). */
    private List<Route> unicastRoutes(byte[] dump, int table) {
        return socket.dump("list routes", dump).stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWROUTE && RouteCodec.isInet(m) && RouteCodec.type(m) == Rtnl.RTN_UNICAST)
                .flatMap(m -> RouteCodec.decodeNexthops(m).stream()).filter(r -> r.table() == table).toList();
    }

    @Override
    public void addRoute(Route route) {
        socket.execute("add route " + describe(route), RouteCodec.add(route));
    }

    @Override
    public void replaceRoute(Route route) {
        socket.execute("replace route " + describe(route), RouteCodec.replace(route));
    }

    @Override
    public void deleteRoute(Route route) {
        socket.execute("delete route " + describe(route), RouteCodec.delete(route));
    }

    private static String describe(Route r) {
        return r.destination() + (r.gateway() == null ? "" : " via " + r.gateway().getHostAddress())
                + (r.linkIndex() == 0 ? "" : " dev #" + r.linkIndex());
    }

    @Override
    public String sysctl(String key) {
        Path p = sysctlPath(key);
        return inNamespace(() -> {
            // Not Files.readString: a /proc/sys file says it is empty, and the JDK then reads one byte first and asks
            // for the rest at offset 1, where a sysctl has nothing ("4096" came back as "4").
            try (java.io.InputStream in = Files.newInputStream(p)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
            } catch (java.nio.file.NoSuchFileException e) {
                throw NetlinkException.of("read sysctl " + key, Errno.ENOENT.code(), "no such sysctl");
            }
        });
    }

    @Override
    public void setSysctl(String key, String value) {
        Path p = sysctlPath(key);
        inNamespace(() -> {
            try {
                Files.writeString(p, value);
            } catch (java.nio.file.NoSuchFileException e) {
                throw NetlinkException.of("write sysctl " + key, Errno.ENOENT.code(), "no such sysctl");
            } catch (IOException e) {
                throw NetlinkException.of("write sysctl " + key + "=" + value, Errno.EINVAL.code(), e.getMessage());
            }
            return null;
        });
    }

    static Path sysctlPath(String key) {
        return Path.of("/proc/sys").resolve(NetworkOps.sysctlPath(key));
    }

    private Link linkFor(String op, String name) {
        return findLink(name).orElseThrow(() -> NetlinkException.of(op, Errno.ENODEV.code(), "no such link " + name));
    }

    /** /proc/sys and /dev/net/tun act on the namespace of the calling thread. */
    private <T> T inNamespace(Callable<T> work) {
        try {
            return thread == null ? work.call() : thread.call(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
        if (ownsThread) {
            thread.close();
        }
    }
}
