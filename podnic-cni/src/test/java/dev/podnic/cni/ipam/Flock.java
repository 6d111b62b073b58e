package dev.podnic.cni.ipam;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * flock(2) on a file. Host-local IPAM serialises with flock; Java's FileChannel.lock uses fcntl
 * record locks, which do not exclude flock holders, so podnic calls flock itself.
 */
public final class Flock implements AutoCloseable {
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_CLOEXEC = 0x80000;
    private static final int LOCK_SH = 1;
    private static final int LOCK_EX = 2;

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int open(String path, int flags, int mode) throws LastErrorException;

        int flock(int fd, int operation) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final int fd;

    private Flock(int fd) {
        this.fd = fd;
    }

    /** Blocks until a shared lock on {@code file} (created if missing) is held. */
    public static Flock shared(Path file) throws IOException {
        return acquire(file, LOCK_SH);
    }

    /** Blocks until an exclusive lock on {@code file} (created if missing) is held. */
    public static Flock exclusive(Path file) throws IOException {
        return acquire(file, LOCK_EX);
    }

    private static Flock acquire(Path file, int op) throws IOException {
        int fd;
        try {
            fd = C.INSTANCE.open(file.toString(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        } catch (LastErrorException e) {
            throw new IOException("open " + file + ": errno " + e.getErrorCode());
        }
        try {
            C.INSTANCE.flock(fd, op);
            return new Flock(fd);
        } catch (LastErrorException e) {
            C.INSTANCE.close(fd);
            throw new IOException("flock " + file + ": errno " + e.getErrorCode());
        }
    }

    /** Releases the lock (closing the descriptor drops it). */
    @Override
    public void close() {
        C.INSTANCE.close(fd);
    }
}
