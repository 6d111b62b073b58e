package dev.podnic.netlink.kernel;

import dev.podnic.inet.MacAddress;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * An ICMPv6 echo request to all nodes (ff02::1) as a whole Ethernet frame, for a packet socket: the
 * frame goes to one MAC, so only that neighbour hears the request (RFC 4443 4.1; IPv6 header RFC 8200
 * 3; checksum over the pseudo-header, RFC 8200 8.1). Hop limit 1, as the kernel sends to link-local
 * multicast; identifier from the caller, sequence 1, no data.
 */
final class EchoFrame {
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final int ETH_P_IPV6 = 0x86dd;
    private static final int ICMPV6 = 58;
    private static final int ECHO_REQUEST = 128;
    private static final int ECHO_LENGTH = 8;

    private EchoFrame() {
    }

    static byte[] toAllNodes(MacAddress from, MacAddress to, InetAddress source, int id) {
        byte[] src = source.getAddress();
        if (src.length != 16) {
            throw new IllegalArgumentException("an IPv6 source address, not " + source.getHostAddress());
        }
        byte[] echo = request(id);
        int sum = checksum(src, ALL_NODES, echo);
        echo[2] = (byte) (sum >> 8);
        echo[3] = (byte) sum;
        return ByteBuffer.allocate(14 + 40 + ECHO_LENGTH)
                .put(to.bytes()).put(from.bytes()).putShort((short) ETH_P_IPV6)
                .putInt(0x60000000).putShort((short) ECHO_LENGTH).put((byte) ICMPV6).put((byte) 1).put(src).put(ALL_NODES)
                .put(echo).array();
    }

    /** An echo request message (RFC 4443 4.1): identifier {@code id}, sequence 1, no data, checksum 0 (to fill in). */
    static byte[] request(int id) {
        return new byte[] {(byte) ECHO_REQUEST, 0, 0, 0, (byte) (id >> 8), (byte) id, 0, 1};
    }

    /** The one's complement of the one's complement sum of the pseudo-header and the message. */
    static int checksum(byte[] source, byte[] destination, byte[] message) {
        ByteBuffer pseudo = ByteBuffer.allocate(40 + message.length).put(source).put(destination).putInt(message.length)
                .putInt(ICMPV6).put(message);
        long sum = 0;
        byte[] b = pseudo.array();
        for (int i = 0; i + 1 < b.length; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if ((b.length & 1) == 1) {
            sum += (b[b.length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
