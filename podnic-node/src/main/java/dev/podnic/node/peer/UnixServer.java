package dev.podnic.node.peer;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix stream socket, through libc: the JDK's own Unix channels do not expose the
 * peer's PID (SO_PEERCRED on JDK 17 gives user and group only), and the daemon needs the PID to
 * find the caller's network namespace.
 */
public final class UnixServer implements AutoCloseable {
    private static final int SHUT_RDWR = 2;

    private final int fd;
    private final Path path;
    private volatile boolean closed;

    private UnixServer(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Binds {@code path} (replacing a stale socket file) with permissions {@code mode} and listens. */
    public static UnixServer bind(Path path, int mode) throws IOException {
        byte[] addr = sockaddr(path);
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.deleteIfExists(path);
        int fd = call("socket", () -> LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0));
        try {
            call("bind " + path, () -> LibC.INSTANCE.bind(fd, addr, addr.length));
            call("chmod " + path, () -> LibC.INSTANCE.chmod(path.toString(), mode));
            call("listen", () -> LibC.INSTANCE.listen(fd, 128));
            return new UnixServer(fd, path);
        } catch (IOException e) {
            LibC.INSTANCE.close(fd);
            throw e;
        }
    }

    /** Blocks until a client connects; throws once the server is closed. */
    public UnixConnection accept() throws IOException {
        int c = call("accept", () -> LibC.INSTANCE.accept4(fd, null, null, LibC.SOCK_CLOEXEC));
        return new UnixConnection(c);
    }

    public Path path() {
        return path;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Wakes a blocked accept (shutdown), closes the socket and removes its file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            LibC.INSTANCE.shutdown(fd, SHUT_RDWR);
        } catch (LastErrorException ignored) {
            // not connected: fine for a listener
        }
        LibC.INSTANCE.close(fd);
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }

    static byte[] sockaddr(Path path) throws IOException {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length > 107) {
            throw new IOException("socket path too long (max 107 bytes): " + path);
        }
        byte[] addr = new byte[2 + p.length + 1];
        addr[0] = (byte) LibC.AF_UNIX; // sa_family, little-endian u16
        System.arraycopy(p, 0, addr, 2, p.length);
        return addr;
    }

    interface Call {
        int run() throws LastErrorException;
    }

    static int call(String operation, Call c) throws UnixSocketException {
        try {
            return c.run();
        } catch (LastErrorException e) {
            throw new UnixSocketException(operation, e.getErrorCode());
        }
    }
}
