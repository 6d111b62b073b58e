package dev.podnic.binding.dhcp.server;

import com.sun.jna.LastErrorException;
import dev.podnic.binding.dhcp.RouterAdvertisements;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * podnic's DHCP server for one vNIC bridge: UDP sockets opened inside the pod's network namespace
 * (a socket stays in the namespace it was made in, and keeps it alive) and bound to the bridge —
 * DHCPv4 on port 67, DHCPv6 on port 547 joined to All_DHCP_Relay_Agents_and_Servers (ff02::1:2) —
 * and answered with {@link Dhcp4Responder} and {@link Dhcp6Responder}, and for an IPv6 lease the
 * bridge's router advertisements ({@link BridgeAdvertiser}), all from the process's one
 * {@link SocketLoop}. Nothing runs in the pod: no process or thread per vNIC to start, to find again,
 * or to outlive anyone.
 */
final class BridgeDhcpServer implements AutoCloseable {
    private static final LibC C = LibC.INSTANCE;
    private static final int DHCP_SERVER = 67;
    private static final int DHCP_CLIENT = 68;
    private static final int DHCPV6_SERVER = 547;
    private static final byte[] ALL_DHCP_SERVERS = {(byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2};
    /** Ethernet's MTU is more than any request a client sends (RFC 2131 allows 576 bytes without option 57). */
    private static final int MAX_REQUEST = 1500;

    private final String bridge;
    private final int socket4;
    private final int socket6;
    private final Dhcp4Responder v4;
    private final Dhcp6Responder v6;
    private final Consumer<String> log;
    private final SocketLoop loop;
    private final BridgeAdvertiser advertiser;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Buffers for the loop's thread only (one packet at a time). */
    private final byte[] packet = new byte[MAX_REQUEST];
    private final byte[] from = new byte[28];

    private BridgeDhcpServer(String bridge, Sockets fds, ServedLease lease, Consumer<String> log, SocketLoop loop) {
        this.bridge = bridge;
        this.advertiser = fds.advertiser();
        this.socket4 = fds.v4();
        this.socket6 = fds.v6();
        this.v4 = lease.address() == null ? null : new Dhcp4Responder(lease);
        this.v6 = lease.address6() == null ? null : new Dhcp6Responder(lease);
        this.log = log;
        this.loop = loop;
    }

    /**
     * Opens the sockets from {@code pod} (a thread in the pod's namespace) and starts answering.
     *
     * @param log one line per answer or noteworthy request, and per failure to send
     * @throws IllegalStateException naming the bridge and the call that failed (no such bridge, port in use)
     */
    static BridgeDhcpServer start(NetnsThread pod, String bridge, ServedLease lease, Consumer<String> log, SocketLoop loop) {
        Sockets fds;
        try {
            fds = pod.call(() -> open(bridge, lease, log));
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("open DHCP sockets on " + bridge + ": " + e.getMessage(), e);
        }
        BridgeDhcpServer server = new BridgeDhcpServer(bridge, fds, lease, log, loop);
        for (int fd : new int[] {server.socket4, server.socket6}) {
            if (fd >= 0) {
                loop.add(fd, server::receive);
            }
        }
        if (server.advertiser != null) {
            loop.add(server.advertiser.socket(), server.advertiser::readable, server.advertiser);
        }
        return server;
    }

    /** Socket for DHCPv4 (or -1), for DHCPv6 (or -1), and the router advertiser (or null). */
    private record Sockets(int v4, int v6, BridgeAdvertiser advertiser) {
    }

    private static Sockets open(String bridge, ServedLease lease, Consumer<String> log) {
        List<Integer> opened = new ArrayList<>();
        String doing = "find it";
        try {
            int index = C.if_nametoindex(bridge);
            if (index == 0) {
                throw new IllegalStateException("open DHCP sockets on " + bridge + ": there is no such link in the pod");
            }
            byte[] device = (bridge + "\0").getBytes(StandardCharsets.US_ASCII);
            int s4 = -1;
            int s6 = -1;
            if (lease.address() != null) {
                doing = "open the DHCPv4 socket";
                s4 = C.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
                opened.add(s4);
                flag(s4, LibC.SOL_SOCKET, LibC.SO_REUSEADDR);
                flag(s4, LibC.SOL_SOCKET, LibC.SO_BROADCAST);
                C.setsockopt(s4, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, device, device.length);
                doing = "bind 0.0.0.0:" + DHCP_SERVER;
                C.bind(s4, inet4(new byte[4], DHCP_SERVER), 16);
            }
            if (lease.address6() != null) {
                doing = "open the DHCPv6 socket";
                s6 = C.socket(LibC.AF_INET6, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
                opened.add(s6);
                flag(s6, LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY);
                flag(s6, LibC.SOL_SOCKET, LibC.SO_REUSEADDR);
                C.setsockopt(s6, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, device, device.length);
                doing = "bind [::]:" + DHCPV6_SERVER;
                C.bind(s6, inet6(new byte[16], DHCPV6_SERVER, 0), 28);
                doing = "join ff02::1:2";
                byte[] membership = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).put(ALL_DHCP_SERVERS).putInt(index).array();
                C.setsockopt(s6, LibC.IPPROTO_IPV6, LibC.IPV6_ADD_MEMBERSHIP, membership, membership.length);
            }
            BridgeAdvertiser advertiser = null;
            if (lease.router6() != null) {
                doing = "enable IPv6 on it";
                RouterAdvertisements.prepareBridge(bridge);
                advertiser = BridgeAdvertiser.open(bridge, index, lease.router6().router(), Math.max(1280, lease.mtu()),
                        lease.router6().onLink() ? lease.address6().network() : null, log);
            }
            return new Sockets(s4, s6, advertiser);
        } catch (LastErrorException | java.io.IOException e) {
            opened.forEach(BridgeDhcpServer::closeQuietly);
            throw new IllegalStateException("DHCP server on " + bridge + ": " + doing + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            opened.forEach(BridgeDhcpServer::closeQuietly);
            throw e;
        }
    }

    /** One request from a readable socket, answered (on the loop's thread). */
    private void receive(int fd) {
        int[] fromLength = {from.length};
        int n;
        try {
            n = (int) C.recvfrom(fd, packet, packet.length, LibC.MSG_DONTWAIT, from, fromLength);
        } catch (LastErrorException e) {
            return; // nothing after all (EAGAIN), or an ICMP error of an earlier send: the next request gets its answer
        }
        try {
            if (fd == socket4) {
                Dhcp4Message.read(packet, n).flatMap(v4::answer).ifPresent(a -> {
                    log.accept(a.event());
                    if (a.packet() != null) {
                        send(fd, a.packet(), inet4(a.destination(), DHCP_CLIENT), 16);
                    }
                });
            } else {
                byte[] source = from.clone(); // the client's link-local address and port, with the bridge as scope
                Dhcp6Message.read(packet, n).flatMap(v6::answer).ifPresent(a -> {
                    log.accept(a.event());
                    if (a.packet() != null) {
                        send(fd, a.packet(), source, fromLength[0]);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.accept("could not answer a request of " + n + " bytes: " + e);
        }
    }

    private void send(int fd, byte[] packet, byte[] to, int toLength) {
        try {
            C.sendto(fd, packet, packet.length, 0, to, toLength);
        } catch (LastErrorException e) {
            log.accept("could not send " + packet.length + " bytes: " + e.getMessage());
        }
    }

    boolean serving() {
        return loop.running() && !closed.get();
    }

    /** Whether it sends router advertisements itself (an earlier podnic's leases have a podnic-ra process instead). */
    boolean advertises() {
        return advertiser != null;
    }

    String bridge() {
        return bridge;
    }

    /** Stops answering and closes the sockets (which lets the pod's namespace go); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int fd : new int[] {socket4, socket6}) {
            if (fd >= 0) {
                loop.remove(fd); // (after it, the loop never reads the descriptor: it may be closed and reused)
                closeQuietly(fd);
            }
        }
        if (advertiser != null) {
            loop.remove(advertiser.socket());
            advertiser.close();
        }
    }

    private static void flag(int fd, int level, int option) {
        C.setsockopt(fd, level, option, new int[] {1}, 4);
    }

    private static byte[] inet4(byte[] address, int port) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_INET)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) port).put(address).array();
    }

    private static byte[] inet6(byte[] address, int port, int scope) {
        return ByteBuffer.allocate(28).order(ByteOrder.nativeOrder()).putShort((short) LibC.AF_INET6)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(address)
                .order(ByteOrder.nativeOrder()).putInt(scope).array();
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                C.close(fd);
            } catch (LastErrorException ignored) {
                // already closed
            }
        }
    }
}
