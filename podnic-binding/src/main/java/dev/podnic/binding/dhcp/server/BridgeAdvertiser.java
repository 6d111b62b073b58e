package dev.podnic.binding.dhcp.server;

import com.sun.jna.LastErrorException;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.sys.LibC;
import dev.podnic.netlink.sys.MsgHdr;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * IPv6 router advertisements on one vNIC's bridge, in the name of the network's gateway: what
 * podnic-ra does as a process, served from the node daemon's {@link SocketLoop} instead (a socket and
 * a timer per vNIC, no process). The source address is the gateway's link-local address (a raw
 * socket with IPV6_FREEBIND may send from an address the pod does not hold), so the guest's default
 * router is the gateway itself, resolved across the bridge; without a known gateway it advertises
 * from the bridge's own address with router lifetime 0 (addresses by DHCPv6, no default route).
 *
 * <p>Timing as podnic-ra's (see its source and docs/ipv6.md): one advertisement at start, two more a
 * second apart, then one every 60–120 s; a valid router solicitation (hop limit 255, code 0) is
 * answered at once, at most one advertisement per 300 ms; a last one with router lifetime 0 as it
 * stops, so that guests drop the route at once. Its methods other than {@link #open} and
 * {@link #close} run on the loop's thread only.
 */
final class BridgeAdvertiser implements SocketLoop.Timed {
    private static final LibC C = LibC.INSTANCE;
    // Linux's values (linux/in6.h, netinet/icmp6.h).
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int IPV6_MULTICAST_LOOP = 19;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_RECVHOPLIMIT = 51;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int IPV6_FREEBIND = 78;
    private static final int ICMP6_FILTER = 1;
    private static final int ROUTER_SOLICITATION = 133;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] ALL_ROUTERS = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    private static final long MIN_GAP = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long INITIAL_INTERVAL = TimeUnit.SECONDS.toNanos(1);
    private static final int INITIAL_ADVERTISEMENTS = 3;
    private static final long MIN_INTERVAL = TimeUnit.SECONDS.toNanos(60);
    private static final long MAX_INTERVAL = TimeUnit.SECONDS.toNanos(120);

    private final int socket;
    private final int ifindex;
    private final InetAddress router;
    private final int mtu;
    private final IpNet onLink;
    private final Consumer<String> log;
    private final MsgHdr sending = new MsgHdr(28, 64, 40);
    private final MsgHdr receiving = new MsgHdr(28, 1500, 32);
    private int sent = 1;
    private long last;
    private long due;
    private long pending = -1;

    private BridgeAdvertiser(int socket, int ifindex, InetAddress router, int mtu, IpNet onLink, Consumer<String> log) {
        this.socket = socket;
        this.ifindex = ifindex;
        this.router = router;
        this.mtu = mtu;
        this.onLink = onLink;
        this.log = log;
    }

    /**
     * Opens the socket on {@code bridge} and sends the first advertisement; on a thread in the pod's
     * namespace. A link that cannot send yet gets the next initial advertisement a second later.
     *
     * @param router the gateway's link-local address; null when unknown
     * @param onLink the prefix to advertise on-link; null for a routed network
     */
    static BridgeAdvertiser open(String bridge, int ifindex, InetAddress router, int mtu, IpNet onLink, Consumer<String> log) {
        int s = C.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
        String doing = "IPV6_FREEBIND (sending from the gateway's address)";
        try {
            flag(s, LibC.IPPROTO_IPV6, IPV6_FREEBIND, 1);
            doing = "SO_BINDTODEVICE";
            byte[] device = bridge.getBytes(StandardCharsets.US_ASCII);
            C.setsockopt(s, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, device, device.length);
            doing = "socket options";
            int[] filter = {-1, -1, -1, -1, -1, -1, -1, -1}; // block every ICMPv6 type but router solicitations
            filter[ROUTER_SOLICITATION >> 5] &= ~(1 << (ROUTER_SOLICITATION & 31));
            C.setsockopt(s, LibC.IPPROTO_ICMPV6, ICMP6_FILTER, filter, 32);
            flag(s, LibC.IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
            flag(s, LibC.IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
            flag(s, LibC.IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
            flag(s, LibC.IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex);
            flag(s, LibC.IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
            doing = "joining ff02::2 (router solicitations)";
            byte[] membership = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).put(ALL_ROUTERS).putInt(ifindex).array();
            C.setsockopt(s, LibC.IPPROTO_IPV6, LibC.IPV6_ADD_MEMBERSHIP, membership, membership.length);
            BridgeAdvertiser a = new BridgeAdvertiser(s, ifindex, router, mtu, onLink, log);
            try {
                a.send(RouterAdvertisement.ROUTER_LIFETIME);
            } catch (LastErrorException e) {
                // A bridge whose IPv6 is still coming up refuses for a moment (ENETUNREACH, ENETDOWN, EADDRNOTAVAIL,
                // ENOBUFS; EINVAL seen once in 200 fresh bridges): the next initial advertisement, a second later, tries
                // again. Said in the server's log, as every failed send is.
                log.accept("could not send the first router advertisement (from " + a.source() + "; the next follows in 1 s): "
                        + e.getMessage());
            }
            a.last = System.nanoTime();
            a.due = a.last + INITIAL_INTERVAL;
            return a;
        } catch (LastErrorException e) {
            C.close(s);
            throw new IllegalStateException("router advertisements on " + bridge + ": " + doing + ": " + e.getMessage(), e);
        }
    }

    int socket() {
        return socket;
    }

    /** A router solicitation (or something else the filter let through) is waiting: answered within 300 ms of the last. */
    void readable(int fd) {
        long n;
        try {
            n = C.recvmsg(socket, receiving.forReceive(), LibC.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            return; // EAGAIN
        }
        byte[] m = receiving.data((int) n);
        boolean fromThisLink = receiving.control(LibC.IPPROTO_IPV6, IPV6_HOPLIMIT)
                .map(h -> ByteBuffer.wrap(h).order(ByteOrder.nativeOrder()).getInt() == 255).orElse(false);
        if (n >= 8 && (m[0] & 0xff) == ROUTER_SOLICITATION && m[1] == 0 && fromThisLink) { // RFC 4861 6.1.1
            long now = System.nanoTime();
            pending = Math.max(now, last + MIN_GAP);
        }
    }

    @Override
    public long dueNanos() {
        return pending >= 0 && pending - due < 0 ? pending : due;
    }

    @Override
    public void due(long now) {
        try {
            send(RouterAdvertisement.ROUTER_LIFETIME);
        } catch (LastErrorException e) {
            log.accept("could not send a router advertisement (from " + source() + "): " + e.getMessage()); // the next one tries again
        }
        last = now;
        pending = -1;
        due = ++sent < INITIAL_ADVERTISEMENTS ? now + INITIAL_INTERVAL
                : now + MIN_INTERVAL + ThreadLocalRandom.current().nextLong(MAX_INTERVAL - MIN_INTERVAL);
    }

    /** A last advertisement that withdraws the default route, then the socket is closed (off the loop by then). */
    void close() {
        try {
            send(0);
        } catch (LastErrorException e) {
            // the bridge is gone already: so is the guest's link
        }
        C.close(socket);
    }

    private String source() {
        return (router == null ? "the bridge's own address" : router.getHostAddress()) + " on link " + ifindex;
    }

    private void send(int lifetime) {
        byte[] ra = RouterAdvertisement.bytes(router != null, lifetime, mtu, onLink);
        byte[] to = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_INET6)
                .putShort((short) 0).putInt(0).put(ALL_NODES).putInt(ifindex).array();
        byte[] info = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder())
                .put(router != null ? router.getAddress() : new byte[16]).putInt(ifindex).array();
        C.sendmsg(socket, sending.forSend(to, ra, LibC.IPPROTO_IPV6, IPV6_PKTINFO, info), 0);
    }

    private static void flag(int fd, int level, int option, int value) {
        C.setsockopt(fd, level, option, new int[] {value}, 4);
    }
}
