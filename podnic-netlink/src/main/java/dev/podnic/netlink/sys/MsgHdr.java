package dev.podnic.netlink.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A {@code struct msghdr} with one data buffer and a control buffer, laid out as on 64-bit Linux
 * (x86-64, aarch64): name at 0, namelen at 8, iov at 16, iovlen at 24, control at 32, controllen
 * at 40, flags at 48; an iovec is base and length; a cmsghdr is length (8 bytes), level, type, then
 * its data at 16, each aligned to 8. For {@link LibC#sendmsg} and {@link LibC#recvmsg}, with
 * ancillary data (IPV6_PKTINFO, IPV6_HOPLIMIT) that plain sendto/recvfrom cannot carry.
 */
public final class MsgHdr {
    private static final int CMSG_HEADER = 16;

    private final Memory msg = new Memory(56);
    private final Memory iov = new Memory(16);
    private final Memory name;
    private final Memory data;
    private final Memory control;

    /** @param nameSize room for the peer's sockaddr; {@code dataSize}, {@code controlSize}: the buffers' sizes */
    public MsgHdr(int nameSize, int dataSize, int controlSize) {
        this.name = new Memory(nameSize);
        this.data = new Memory(dataSize);
        this.control = new Memory(Math.max(8, controlSize));
    }

    /** Prepares a send of {@code payload} to {@code to} with one control message (level, type, data). */
    public Pointer forSend(byte[] to, byte[] payload, int level, int type, byte[] cmsgData) {
        name.write(0, to, 0, to.length);
        data.write(0, payload, 0, payload.length);
        control.clear();
        int length = CMSG_HEADER + cmsgData.length;
        control.setLong(0, length);
        control.setInt(8, level);
        control.setInt(12, type);
        control.write(CMSG_HEADER, cmsgData, 0, cmsgData.length);
        return fill(to.length, payload.length, align(length));
    }

    /** Prepares a receive into the buffers. */
    public Pointer forReceive() {
        control.clear();
        return fill((int) name.size(), (int) data.size(), (int) control.size());
    }

    /** The received bytes ({@code n} from recvmsg). */
    public byte[] data(int n) {
        return data.getByteArray(0, n);
    }

    /** The data of the first received control message of {@code level}/{@code type}, if there is one. */
    public java.util.Optional<byte[]> control(int level, int type) {
        long total = msg.getLong(40);
        long at = 0;
        while (at + CMSG_HEADER <= total) {
            long length = control.getLong(at);
            if (length < CMSG_HEADER || at + length > total) {
                break;
            }
            if (control.getInt(at + 8) == level && control.getInt(at + 12) == type) {
                return java.util.Optional.of(control.getByteArray(at + CMSG_HEADER, (int) (length - CMSG_HEADER)));
            }
            at += align(length);
        }
        return java.util.Optional.empty();
    }

    private Pointer fill(int nameLength, int dataLength, int controlLength) {
        iov.setPointer(0, data);
        iov.setLong(8, dataLength);
        msg.clear();
        msg.setPointer(0, name);
        msg.setInt(8, nameLength);
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, control);
        msg.setLong(40, controlLength);
        return msg;
    }

    private static int align(long length) {
        return (int) ((length + 7) & ~7L);
    }
}
