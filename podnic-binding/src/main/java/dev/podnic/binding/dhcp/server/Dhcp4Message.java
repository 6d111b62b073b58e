package dev.podnic.binding.dhcp.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DHCPv4 message (RFC 2131 section 2, options RFC 2132): the fixed BOOTP header, the magic cookie,
 * then options. Reading joins an option given several times into one value (RFC 3396) and ignores
 * the sname and file fields (podnic never overloads them, and a client has no reason to).
 *
 * @param options option code to value, in the order first seen; without pad (0) and end (255)
 */
record Dhcp4Message(int op, int xid, int flags, byte[] ciaddr, byte[] yiaddr, byte[] giaddr, byte[] chaddr,
                    Map<Integer, byte[]> options) {
    static final int BOOTREQUEST = 1;
    static final int BOOTREPLY = 2;
    static final int DISCOVER = 1;
    static final int OFFER = 2;
    static final int REQUEST = 3;
    static final int DECLINE = 4;
    static final int ACK = 5;
    static final int NAK = 6;
    static final int RELEASE = 7;
    static final int INFORM = 8;

    static final int SUBNET_MASK = 1;
    static final int ROUTER = 3;
    static final int DNS_SERVERS = 6;
    static final int HOSTNAME = 12;
    static final int DOMAIN_NAME = 15;
    static final int MTU = 26;
    static final int REQUESTED_ADDRESS = 50;
    static final int LEASE_TIME = 51;
    static final int MESSAGE_TYPE = 53;
    static final int SERVER_ID = 54;
    static final int MESSAGE = 56;
    static final int RENEWAL_TIME = 58;
    static final int REBINDING_TIME = 59;
    static final int DOMAIN_SEARCH = 119;
    static final int CLIENT_ID = 61;
    static final int CLASSLESS_ROUTES = 121;

    private static final int HEADER = 236;
    private static final int COOKIE = 0x63825363;
    /** What BOOTP relays and old clients expect at least (RFC 1542 2.1); the rest is padding. */
    private static final int MIN_LENGTH = 300;
    static final byte[] ZERO = new byte[4];

    /** The message in {@code packet}; empty when it is not a well-formed DHCP message (a plain BOOTP one, a stray datagram). */
    static Optional<Dhcp4Message> read(byte[] packet, int length) {
        if (length < HEADER + 4) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(packet, 0, length);
        int op = b.get(0) & 0xff;
        int htype = b.get(1) & 0xff;
        int hlen = b.get(2) & 0xff;
        if (htype != 1 || hlen != 6 || b.getInt(HEADER) != COOKIE) {
            return Optional.empty(); // only Ethernet clients: what a bridge port carries
        }
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        int i = HEADER + 4;
        while (i < length) {
            int code = packet[i] & 0xff;
            if (code == 255) {
                break;
            }
            if (code == 0) {
                i++;
                continue;
            }
            if (i + 1 >= length || i + 2 + (packet[i + 1] & 0xff) > length) {
                return Optional.empty(); // an option runs past the end
            }
            int len = packet[i + 1] & 0xff;
            byte[] value = Arrays.copyOfRange(packet, i + 2, i + 2 + len);
            options.merge(code, value, Dhcp4Message::concat);
            i += 2 + len;
        }
        if (!options.containsKey(MESSAGE_TYPE) || options.get(MESSAGE_TYPE).length != 1) {
            return Optional.empty();
        }
        return Optional.of(new Dhcp4Message(op, b.getInt(4), b.getShort(10) & 0xffff, Arrays.copyOfRange(packet, 12, 16),
                Arrays.copyOfRange(packet, 16, 20), Arrays.copyOfRange(packet, 24, 28), Arrays.copyOfRange(packet, 28, 34), options));
    }

    int type() {
        return options.get(MESSAGE_TYPE)[0] & 0xff;
    }

    Optional<byte[]> option(int code) {
        return Optional.ofNullable(options.get(code));
    }

    /**
     * The message on the wire: options in map order, each split into pieces of at most 255 bytes
     * (RFC 3396), the end option, padding to 300 bytes.
     */
    byte[] write() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MIN_LENGTH);
        ByteBuffer header = ByteBuffer.allocate(HEADER + 4);
        header.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0).putInt(xid).putShort((short) 0).putShort((short) flags)
                .put(ciaddr).put(yiaddr).put(ZERO).put(giaddr).put(chaddr);
        header.position(HEADER);
        header.putInt(COOKIE);
        out.write(header.array(), 0, header.capacity());
        for (Map.Entry<Integer, byte[]> o : options.entrySet()) {
            byte[] v = o.getValue();
            int at = 0;
            do {
                int n = Math.min(255, v.length - at);
                out.write(o.getKey());
                out.write(n);
                out.write(v, at, n);
                at += n;
            } while (at < v.length);
        }
        out.write(255);
        while (out.size() < MIN_LENGTH) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
