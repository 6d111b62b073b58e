package dev.podnic.node.peer;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/** One accepted connection: the peer's credentials, a bounded line read, a write. */
public final class UnixConnection implements AutoCloseable {
    private static final int EAGAIN = 11;
    private static final int SHUT_WR = 1;
    private final int fd;

    UnixConnection(int fd) {
        this.fd = fd;
    }

    public PeerCredentials peer() throws IOException {
        byte[] ucred = new byte[12];
        int[] len = {12};
        UnixServer.call("getsockopt SO_PEERCRED", () -> LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, len));
        ByteBuffer b = ByteBuffer.wrap(ucred).order(ByteOrder.nativeOrder());
        return new PeerCredentials(b.getInt(0), b.getInt(4), b.getInt(8));
    }

    int fd() {
        return fd;
    }

    /** Reads and writes give up after {@code timeout} (a slow or stuck client cannot hold a worker). */
    public void setTimeout(Duration timeout) throws IOException {
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(timeout.toSeconds()).putLong(timeout.toMillisPart() * 1000L).array();
        UnixServer.call("setsockopt SO_RCVTIMEO", () -> LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, 16));
        UnixServer.call("setsockopt SO_SNDTIMEO", () -> LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDTIMEO, tv, 16));
    }

    /**
     * One request: bytes up to the first newline (or EOF), all of it within {@code within} — a client
     * trickling a byte at a time cannot hold a worker past that, however often it sends.
     */
    public byte[] readLine(int maxBytes, Duration within) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new RequestException(RequestException.Kind.TIMED_OUT, "the request did not arrive within " + within.toMillis() + " ms");
            }
            setTimeout(Duration.ofNanos(Math.max(remaining, 1_000_000)));
            long n;
            try {
                n = LibC.INSTANCE.read(fd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    throw new RequestException(RequestException.Kind.TIMED_OUT, "the request did not arrive within " + within.toMillis() + " ms");
                }
                throw new UnixSocketException("read", e.getErrorCode());
            }
            if (n == 0) {
                return out.toByteArray(); // EOF: whatever came is the request
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    out.write(buf, 0, i);
                    return out.toByteArray();
                }
            }
            out.write(buf, 0, (int) n);
            if (out.size() > maxBytes) {
                throw new RequestException(RequestException.Kind.TOO_LARGE, "request larger than " + maxBytes + " bytes");
            }
        }
    }

    /**
     * What has arrived, without waiting: the number of bytes read into {@code buf}, 0 at end of
     * stream, -1 when nothing is there yet.
     */
    long receiveNow(byte[] buf) throws IOException {
        if (!readable()) {
            return -1;
        }
        try {
            return LibC.INSTANCE.recv(fd, buf, buf.length, LibC.MSG_DONTWAIT);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return -1;
            }
            throw new UnixSocketException("read", e.getErrorCode());
        }
    }

    /**
     * Whether a read would not wait (data, or end of stream), asked with poll: a recv that finds nothing fails with
     * EAGAIN, which JNA raises as two exceptions with stack traces — what most first reads of a connection found.
     */
    private boolean readable() {
        byte[] polled = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(fd).putShort(LibC.POLLIN).putShort((short) 0).array();
        try {
            return LibC.INSTANCE.poll(polled, 1, 0) > 0;
        } catch (LastErrorException e) {
            return false; // (interrupted: the reader's own poll looks again, and reports what is wrong)
        }
    }

    /** Tells the client the answer is complete (it reads end of stream) while its request is still drained. */
    public void shutdownOutput() {
        try {
            LibC.INSTANCE.shutdown(fd, SHUT_WR);
        } catch (LastErrorException gone) {
            // nothing to tell
        }
    }

    public void write(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            long n = UnixServer.call("write", () -> (int) LibC.INSTANCE.write(fd, chunk, chunk.length));
            off += (int) n;
        }
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
