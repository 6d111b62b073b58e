package dev.podnic.netlink.fake;

import static dev.podnic.netlink.NetworkOps.checkName;

import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import dev.podnic.netlink.sys.Errno;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link NetworkOps} on a {@link FakeKernel} namespace; same contract and exceptions as the kernel. */
public final class FakeNetworkOps implements NetworkOps {
    private final FakeNamespace ns;
    private final FakeKernel kernel;

    FakeNetworkOps(FakeNamespace ns, FakeKernel kernel) {
        this.ns = ns;
        this.kernel = kernel;
    }

    @Override
    public List<Link> links() {
        synchronized (kernel) {
            return ns.links();
        }
    }

    @Override
    public Optional<Link> findLink(String name) {
        checkName("get link", name);
        synchronized (kernel) {
            return ns.find(name).map(FakeLink::snapshot);
        }
    }

    @Override
    public Link createBridge(String name) {
        return create(name, "bridge", 65535);
    }

    @Override
    public Link createDummy(String name) {
        return create(name, "dummy", 0);
    }

    private Link create(String name, String kind, int maxMtu) {
        String op = "create " + kind + " " + name;
        checkName(op, name);
        synchronized (kernel) {
            return ns.add(op, name, kind, maxMtu).snapshot();
        }
    }

    @Override
    public Link createVeth(String name, String peerName, Path peerNetns) {
        String op = "create veth " + name + " (peer " + peerName + (peerNetns == null ? "" : " in " + peerNetns) + ")";
        checkName(op, name);
        checkName(op, peerName);
        synchronized (kernel) {
            FakeNamespace peerNs = peerNetns == null ? ns : kernel.namespace(peerNetns);
            if (ns.find(name).isPresent() || peerNs.find(peerName).isPresent() || peerNs == ns && name.equals(peerName)) {
                throw FakeNamespace.error(op, Errno.EEXIST, "a link with this name exists");
            }
            FakeLink here = ns.add(op, name, "veth", 65535);
            FakeLink there = peerNs.add(op, peerName, "veth", 65535);
            here.peer = there;
            here.peerNamespace = peerNs;
            there.peer = here;
            there.peerNamespace = ns;
            return here.snapshot();
        }
    }

    @Override
    public Link createTap(String name) {
        return create(name, "tun", 65521);
    }

    /** The owner is the kernel's business (KernelNetworkOpsIT checks it); here a tap is a tap. */
    @Override
    public Link createTap(String name, int owner) {
        return createTap(name);
    }

    @Override
    public void setUp(String name, boolean up) {
        String op = "set " + name + (up ? " up" : " down");
        checkName(op, name);
        synchronized (kernel) {
            ns.setUp(ns.require(op, name), up);
        }
    }

    @Override
    public void setMtu(String name, int mtu) {
        String op = "set mtu " + mtu + " on " + name;
        checkName(op, name);
        synchronized (kernel) {
            ns.setMtu(op, ns.require(op, name), mtu);
        }
    }

    @Override
    public void setMac(String name, MacAddress mac) {
        String op = "set mac " + mac + " on " + name;
        checkName(op, name);
        NetworkOps.checkMac(op, mac);
        synchronized (kernel) {
            ns.setMac(op, ns.require(op, name), mac);
        }
    }

    @Override
    public void rename(String name, String newName) {
        String op = "rename " + name + " to " + newName;
        checkName(op, newName);
        synchronized (kernel) {
            ns.rename(op, ns.require(op, name), newName);
        }
    }

    @Override
    public void setMaster(String name, String master) {
        String op = master == null ? "release " + name + " from its bridge" : "attach " + name + " to " + master;
        checkName(op, name);
        synchronized (kernel) {
            FakeLink l = ns.require(op, name);
            ns.setMaster(op, l, master == null ? null : ns.require(op, master));
        }
    }

    /** As the kernel's one request: the MTU, then the bridge (EINVAL when no link has its index any more), then up. */
    @Override
    public void plug(String port, Link bridge, int mtu) {
        String op = "plug " + port + " into " + bridge.name();
        checkName(op, port);
        synchronized (kernel) {
            FakeLink p = ns.require(op, port);
            if (mtu > 0) {
                ns.setMtu(op, p, mtu);
            }
            FakeLink master = ns.find(bridge.index()).orElseThrow(() -> FakeNamespace.error(op, Errno.EINVAL, null));
            ns.setMaster(op, p, master);
            ns.setUp(p, true);
        }
    }

    @Override
    public void setLearning(String port, boolean on) {
        String op = "turn learning " + (on ? "on" : "off") + " on port " + port;
        synchronized (kernel) {
            ns.setLearning(op, ns.require(op, port), on);
        }
    }

    /** Whether MAC learning is on for a bridge port (the kernel shows it in `bridge -d link`). */
    public boolean learning(String port) {
        synchronized (kernel) {
            return ns.require("get learning", port).learning;
        }
    }

    @Override
    public void deleteLink(String name) {
        String op = "delete link " + name;
        checkName(op, name);
        synchronized (kernel) {
            ns.delete(ns.require(op, name));
        }
    }

    @Override
    public List<Address> addresses(String linkName) {
        synchronized (kernel) {
            int index = linkName == null ? 0 : ns.require("list addresses", linkName).index;
            return ns.addresses().stream().filter(a -> index == 0 || a.linkIndex() == index).toList();
        }
    }

    @Override
    public List<Address> addressesOf(Link link) {
        synchronized (kernel) {
            return ns.addresses().stream().filter(a -> a.linkIndex() == link.index()).toList();
        }
    }

    @Override
    public void addAddress(String linkName, IpNet address, Scope scope) {
        String op = "add address " + address + " to " + linkName;
        synchronized (kernel) {
            ns.addAddress(op, ns.require(op, linkName), address, scope);
        }
    }

    @Override
    public void addAddressWithoutPrefixRoute(String linkName, IpNet address, Scope scope) {
        String op = "add address " + address + " (noprefixroute) to " + linkName;
        synchronized (kernel) {
            ns.addAddress(op, ns.require(op, linkName), address, scope, false);
        }
    }

    /** What the fake link answers: the link-local address set by {@link FakeKernel}, if any. */
    @Override
    public Optional<InetAddress> neighbourLinkLocal(String link, InetAddress owner, Duration timeout) {
        synchronized (kernel) {
            ns.require("probe " + link, link);
            return kernel.neighbourLinkLocal(owner);
        }
    }

    @Override
    public void deleteAddress(String linkName, IpNet address) {
        String op = "delete address " + address + " from " + linkName;
        synchronized (kernel) {
            ns.deleteAddress(op, ns.require(op, linkName), address);
        }
    }

    @Override
    public void deleteAddress(Link link, IpNet address) {
        String op = "delete address " + address + " from " + link.name();
        synchronized (kernel) {
            ns.deleteAddress(op, ns.find(link.index()).orElseThrow(() -> FakeNamespace.error(op, Errno.ENODEV, "no such device")), address);
        }
    }

    @Override
    public List<Route> routes(int table) {
        synchronized (kernel) {
            List<Route> all = new java.util.ArrayList<>(ns.routes(Family.V4, table));
            all.addAll(ns.routes(Family.V6, table));
            return all;
        }
    }

    @Override
    public List<Route> routes(Family family, int table) {
        synchronized (kernel) {
            return ns.routes(family, table);
        }
    }

    @Override
    public void addRoute(Route route) {
        synchronized (kernel) {
            ns.addRoute("add route " + route.destination(), route, false);
        }
    }

    @Override
    public void replaceRoute(Route route) {
        synchronized (kernel) {
            ns.addRoute("replace route " + route.destination(), route, true);
        }
    }

    @Override
    public void deleteRoute(Route route) {
        synchronized (kernel) {
            ns.deleteRoute("delete route " + route.destination(), route);
        }
    }

    @Override
    public String sysctl(String key) {
        synchronized (kernel) {
            return ns.sysctl("read sysctl " + key, normalize(key));
        }
    }

    @Override
    public void setSysctl(String key, String value) {
        synchronized (kernel) {
            ns.setSysctl("write sysctl " + key + "=" + value, normalize(key), value);
        }
    }

    private static String normalize(String key) {
        return NetworkOps.sysctlPath(key);
    }

    @Override
    public void close() {
    }
}
