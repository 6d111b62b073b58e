package dev.podnic.netlink.kernel;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.NetlinkException;
import dev.podnic.netlink.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Persistent tap devices. rtnetlink cannot create them ("tun/tap creation via rtnetlink is not
 * supported"), so this is the tun driver's ioctl interface, called on a thread inside the target
 * namespace: the device appears in the namespace of the caller.
 */
final class Tap {
    private static final long TUNSETIFF = 0x400454caL;
    private static final long TUNSETPERSIST = 0x400454cbL;
    private static final long TUNSETOWNER = 0x400454ccL;
    /** The tun driver's "no owner": only CAP_NET_ADMIN may attach. */
    static final int NO_OWNER = -1;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;

    private Tap() {
    }

    static void create(String name, int owner) {
        String op = "create tap " + name;
        int fd;
        try {
            fd = LibC.INSTANCE.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw NetlinkException.of(op, e.getErrorCode(), "cannot open /dev/net/tun");
        }
        try {
            byte[] ifreq = new byte[IFREQ_SIZE];
            byte[] raw = name.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(raw, 0, ifreq, 0, raw.length);
            ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).putShort(16, (short) (IFF_TAP | IFF_NO_PI));
            LibC.INSTANCE.ioctl(fd, TUNSETIFF, ifreq);
            if (owner != NO_OWNER) {
                LibC.INSTANCE.ioctl(fd, TUNSETOWNER, (long) owner);
            }
            LibC.INSTANCE.ioctl(fd, TUNSETPERSIST, 1L);
        } catch (LastErrorException e) {
            throw NetlinkException.of(op, e.getErrorCode(), null);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
