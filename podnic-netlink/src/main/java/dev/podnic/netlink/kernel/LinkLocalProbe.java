package dev.podnic.netlink.kernel;

import com.sun.jna.LastErrorException;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.sys.LibC;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds the link-local address of the on-link neighbour that owns a global IPv6 address, by asking
 * the owner alone: a unicast echo request to the global address tells its owner's MAC (the reply's
 * Ethernet source); then an echo request to all nodes (ff02::1) in a frame addressed to that MAC only
 * makes the owner answer from its link-local address. Neither address can be derived from the other:
 * a Linux bridge's link-local address keeps the MAC the bridge had when it came up, and
 * stable-privacy addresses are not derived from the MAC at all. The all-nodes request goes to no one
 * else: on a node's bridge every pod and every VM would answer it, each answer costing the node a
 * neighbour entry in a table all its namespaces share (1024 by default) — a node wiring vNICs
 * quickly filled it, and sends failed with EINVAL in every pod until entries aged out.
 *
 * <p>Replies are read from a packet socket on the link (for their Ethernet source); the unicast
 * request goes out of an ICMPv6 raw socket bound to the link and to the link's own link-local address
 * (the kernel resolves the gateway and sums the packet), the all-nodes one out of the packet socket
 * as a whole frame ({@link EchoFrame}). Never from a global address: the neighbours would
 * remember that address at this link's MAC, and podnic is about to hand it to a guest behind
 * another MAC (they would find out only after neighbour unreachability detection, seconds later).
 * Both are opened in the calling thread's network namespace. Requests are repeated every 100 ms
 * until the answer is complete. The link's own link-local address may still be tentative (duplicate
 * address detection, up to ~2 s on a new veth) when the probe starts, and so may the gateway's (the
 * far end of the same veth, for ptp): the timeout counts from the first request the link could
 * send, and up to {@link #TENTATIVE} more is allowed for getting there.
 */
final class LinkLocalProbe {
    private static final LibC C = LibC.INSTANCE;
    private static final int ETH_P_IPV6 = 0x86dd;
    private static final int ETH_HEADER = 14;
    private static final int IPV6_HEADER = 40;
    private static final int NEXT_HEADER_ICMPV6 = 58;
    private static final int ECHO_REPLY = 129;
    private static final long RESEND_MILLIS = 100;
    /** How long the link's own link-local address may take to become usable (RFC 4862 DAD: random delay up to 1 s, then 1 s). */
    static final Duration TENTATIVE = Duration.ofSeconds(5);

    private LinkLocalProbe() {
    }

    static Optional<InetAddress> find(String link, int linkIndex, MacAddress linkMac, InetAddress source, InetAddress owner,
                                      Duration timeout) {
        int packet = C.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, htons(ETH_P_IPV6));
        try {
            C.bind(packet, packetAddress(linkIndex), 20);
            int icmp = C.socket(LibC.AF_INET6, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_ICMPV6);
            try {
                byte[] name = (link + "\0").getBytes(StandardCharsets.US_ASCII);
                C.setsockopt(icmp, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, name, name.length);
                return listen(packet, icmp, new Asker(linkIndex, linkMac, source), owner, timeout);
            } finally {
                C.close(icmp);
            }
        } catch (LastErrorException e) {
            throw new IllegalStateException("probe " + link + " for the link-local address of " + owner.getHostAddress()
                    + ": " + e.getMessage(), e);
        } finally {
            C.close(packet);
        }
    }

    /** This end of the link: its index, MAC and link-local address. */
    private record Asker(int linkIndex, MacAddress mac, InetAddress linkLocal) {
    }

    private static Optional<InetAddress> listen(int packet, int icmp, Asker asker, InetAddress owner, Duration timeout) {
        int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
        long deadline = System.nanoTime() + TENTATIVE.toNanos(); // until the first request; then timeout from there
        long nextSend = 0;
        MacAddress ownerMac = null;
        boolean bound = false;
        byte[] frame = new byte[2048];
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return Optional.empty();
            }
            if (now - nextSend >= 0) {
                if (!bound && bind(icmp, asker.linkLocal(), asker.linkIndex())) {
                    bound = true;
                    deadline = now + timeout.toNanos();
                }
                if (bound && ownerMac == null) {
                    send(icmp, owner, id);
                } else if (bound) {
                    sendFrame(packet, asker, ownerMac, id);
                }
                nextSend = now + RESEND_MILLIS * 1_000_000;
            }
            long wait = Math.max(1, Math.min(deadline - now, nextSend - now) / 1_000_000);
            byte[] fds = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(packet).putShort(LibC.POLLIN).array();
            if (C.poll(fds, 1, (int) wait) == 0) {
                continue;
            }
            int n;
            try {
                n = (int) C.recv(packet, frame, frame.length, LibC.MSG_DONTWAIT);
            } catch (LastErrorException again) {
                continue;
            }
            Optional<Reply> reply = Reply.parse(frame, n, id);
            if (reply.isEmpty()) {
                continue;
            }
            Reply r = reply.get();
            if (r.source().equals(owner)) {
                if (ownerMac == null) {
                    nextSend = now; // ask for its link-local address right away
                }
                ownerMac = r.mac();
            } else if (r.source().isLinkLocalAddress() && r.mac().equals(ownerMac)) {
                return Optional.of(r.source());
            }
        }
    }

    /** An echo reply to this probe (its identifier) as read from the link, with its Ethernet source. */
    record Reply(MacAddress mac, InetAddress source) {
        static Optional<Reply> parse(byte[] frame, int length, int id) {
            int icmp = ETH_HEADER + IPV6_HEADER;
            if (length < icmp + 8 || (frame[12] & 0xff) != 0x86 || (frame[13] & 0xff) != 0xdd
                    || (frame[ETH_HEADER + 6] & 0xff) != NEXT_HEADER_ICMPV6 || (frame[icmp] & 0xff) != ECHO_REPLY
                    || (((frame[icmp + 4] & 0xff) << 8) | (frame[icmp + 5] & 0xff)) != id) {
                return Optional.empty();
            }
            try {
                InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(frame, ETH_HEADER + 8, ETH_HEADER + 24));
                return Optional.of(new Reply(new MacAddress(Arrays.copyOfRange(frame, 6, 12)), source));
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** False while the address is still tentative (duplicate address detection). */
    private static boolean bind(int icmp, InetAddress source, int scope) {
        try {
            C.bind(icmp, socketAddress(source, scope), 28);
            return true;
        } catch (LastErrorException tentative) {
            return false;
        }
    }

    /** struct sockaddr_in6: family, port, flow information, address, scope. */
    private static byte[] socketAddress(InetAddress address, int scope) {
        ByteBuffer sa = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        sa.putShort((short) LibC.AF_INET6).putShort((short) 0).putInt(0).put(address.getAddress()).putInt(scope);
        return sa.array();
    }

    private static void send(int icmp, InetAddress to, int id) {
        byte[] echo = EchoFrame.request(id); // the kernel fills the checksum
        try {
            C.sendto(icmp, echo, echo.length, LibC.MSG_DONTWAIT, socketAddress(to, 0), 28);
        } catch (LastErrorException e) {
            // no usable source address yet (still tentative), or no route: the next round tries again
        }
    }

    /** The all-nodes echo request, in a frame to {@code to} alone. */
    private static void sendFrame(int packet, Asker asker, MacAddress to, int id) {
        byte[] frame = EchoFrame.toAllNodes(asker.mac(), to, asker.linkLocal(), id);
        try {
            C.sendto(packet, frame, frame.length, LibC.MSG_DONTWAIT, packetAddress(asker.linkIndex()), 20);
        } catch (LastErrorException e) {
            // the link's queue is full, say: the next round tries again
        }
    }

    /** struct sockaddr_ll for {@code bind} and {@code sendto}: family, protocol (network order), interface index. */
    private static byte[] packetAddress(int linkIndex) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) ETH_P_IPV6);
        b.order(ByteOrder.nativeOrder()).putInt(linkIndex);
        return b.array();
    }

    private static int htons(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    }
}
