package dev.podnic.netlink.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One received netlink message: header fields and its payload (family header + attributes).
 *
 * @param payload little view of the bytes after the 16-byte header, position 0
 */
public record NlMessage(int type, int flags, int seq, int pid, ByteBuffer payload) {

    /** Splits a datagram into messages. */
    public static List<NlMessage> split(byte[] datagram, int length) {
        ByteBuffer b = ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        int pos = 0;
        while (pos + Rtnl.NLMSG_HDRLEN <= length) {
            int len = b.getInt(pos);
            if (len < Rtnl.NLMSG_HDRLEN || pos + len > length) {
                throw new IllegalArgumentException("malformed netlink message at offset " + pos + " (length " + len + ")");
            }
            ByteBuffer payload = ByteBuffer.wrap(datagram, pos + Rtnl.NLMSG_HDRLEN, len - Rtnl.NLMSG_HDRLEN).slice()
                    .order(ByteOrder.nativeOrder());
            out.add(new NlMessage(b.getShort(pos + 4) & 0xffff, b.getShort(pos + 6) & 0xffff, b.getInt(pos + 8),
                    b.getInt(pos + 12), payload));
            pos += align(len);
        }
        return out;
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Attributes starting at {@code offset} of the payload (after the family header), by type (last wins). */
    public Map<Integer, ByteBuffer> attributes(int offset) {
        return parseAttributes(payload, offset, payload.limit());
    }

    public static Map<Integer, ByteBuffer> parseAttributes(ByteBuffer b, int from, int to) {
        Map<Integer, ByteBuffer> out = new HashMap<>();
        int pos = from;
        while (pos + 4 <= to) {
            int len = b.getShort(pos) & 0xffff;
            int type = b.getShort(pos + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (len < 4 || pos + len > to) {
                break;
            }
            out.put(type, b.duplicate().position(pos + 4).limit(pos + len).slice().order(ByteOrder.nativeOrder()));
            pos += align(len);
        }
        return out;
    }

    public static String string(ByteBuffer attr) {
        byte[] raw = bytes(attr);
        int n = 0;
        while (n < raw.length && raw[n] != 0) {
            n++;
        }
        return new String(raw, 0, n, StandardCharsets.UTF_8);
    }

    public static byte[] bytes(ByteBuffer attr) {
        byte[] raw = new byte[attr.remaining()];
        attr.duplicate().get(raw);
        return raw;
    }

    public static int u32(ByteBuffer attr) {
        return attr.getInt(0);
    }

    /** For NLMSG_ERROR: the (positive) errno, 0 for an ACK. */
    public int errorCode() {
        return -payload.getInt(0);
    }

    /** For NLMSG_ERROR with extended ack: the kernel's message, or null. */
    public String extendedAckMessage() {
        if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        // errno (4) + the echoed request header (16; payload omitted with NETLINK_CAP_ACK, flag 0x100)
        int offset = 4 + Rtnl.NLMSG_HDRLEN;
        if ((flags & 0x100) == 0) {
            offset = 4 + payload.getInt(4);
        }
        ByteBuffer msg = parseAttributes(payload, align(offset), payload.limit()).get(Rtnl.NLMSGERR_ATTR_MSG);
        return msg == null ? null : string(msg);
    }
}
