package dev.podnic.netlink.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Writes one netlink message: the 16-byte header, a fixed family header, then attributes, each
 * padded to 4 bytes. Multi-byte fields are in host byte order, as netlink requires; addresses in
 * attributes are raw network-order bytes.
 */
public final class NlMessageBuilder {
    private ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());

    public NlMessageBuilder(int type, int flags) {
        b.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    public NlMessageBuilder u8(int v) {
        ensure(1);
        b.put((byte) v);
        return this;
    }

    public NlMessageBuilder u16(int v) {
        ensure(2);
        b.putShort((short) v);
        return this;
    }

    public NlMessageBuilder u32(int v) {
        ensure(4);
        b.putInt(v);
        return this;
    }

    /** An ifinfomsg (16 bytes). */
    public NlMessageBuilder ifinfo(int family, int index, int flags, int change) {
        return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    public NlMessageBuilder attr(int type, byte[] data) {
        ensure(4 + data.length + 3);
        b.putShort((short) (4 + data.length)).putShort((short) type).put(data);
        pad();
        return this;
    }

    public NlMessageBuilder attrU32(int type, int v) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    public NlMessageBuilder attrU8(int type, int v) {
        return attr(type, new byte[] {(byte) v});
    }

    /** A NUL-terminated string attribute. */
    public NlMessageBuilder attrString(int type, String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(raw, raw.length + 1));
    }

    /** A nested attribute whose content {@code body} writes. */
    public NlMessageBuilder nested(int type, Consumer<NlMessageBuilder> body) {
        ensure(4);
        int start = b.position();
        b.putShort((short) 0).putShort((short) type);
        body.accept(this);
        b.putShort(start, (short) (b.position() - start));
        return this;
    }

    private void pad() {
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private void ensure(int n) {
        if (b.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.nativeOrder());
            b.flip();
            bigger.put(b);
            b = bigger;
        }
    }

    /** The finished message with sequence number 0; the socket sets its own (see {@link #setSeq}). */
    public byte[] build() {
        pad();
        byte[] out = Arrays.copyOf(b.array(), b.position());
        ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).putInt(0, out.length);
        return out;
    }

    public static void setSeq(byte[] message, int seq) {
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(8, seq);
    }
}
