package dev.podnic.netlink.sys;

import com.sun.jna.LastErrorException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Waiting for a process that is not our child to end, without polling: a pidfd becomes readable
 * when its process exits (Linux 5.3+), so poll(2) on it returns at that moment.
 */
public final class ProcessExit {
    private static final int ESRCH = 3;
    private static final int EINTR = 4;

    private ProcessExit() {
    }

    /** True once process {@code pid} has ended (or was gone already); false when {@code timeout} passed first. */
    public static boolean await(long pid, Duration timeout) {
        int pidfd;
        try {
            pidfd = (int) LibC.INSTANCE.syscall(LibC.SYS_PIDFD_OPEN, pid, 0, 0, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return true;
            }
            throw new IllegalStateException("pidfd_open(" + pid + "): errno " + e.getErrorCode(), e);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                byte[] fds = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(pidfd).putShort(LibC.POLLIN)
                        .putShort((short) 0).array();
                try {
                    return LibC.INSTANCE.poll(fds, 1, (int) Math.min(Integer.MAX_VALUE, left)) > 0;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw new IllegalStateException("poll on a pidfd: errno " + e.getErrorCode(), e);
                    }
                }
            }
        } finally {
            LibC.INSTANCE.close(pidfd);
        }
    }
}
