package dev.podnic.node.peer;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.sys.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Who sent a request, as the kernel proved it at accept time: credentials and the network
 * namespace the caller lived in, held open by this object for the whole request — so the answer
 * does not depend on a path the caller names, on a PID that may be reused, or on an nsfs inode
 * number that may be reused once a namespace is freed.
 *
 * <p>Pinning: a pidfd of the peer (SO_PEERPIDFD, the peer as it was at connect time; else
 * pidfd_open of its PID), then {@code /proc/PID/ns/net} opened, then the pidfd asked whether that
 * process still lives. If it does, the PID was not reused in between and the namespace is the
 * caller's; if not, the request is refused.
 */
public final class Caller implements AutoCloseable {
    private static final int ESRCH = 3;
    private static final int ENOPROTOOPT = 92;
    private static final int UNSUPPORTED = -2;
    /** ioctl on a namespace file: which kind of namespace it is (a CLONE_NEW* flag). */
    private static final long NS_GET_NSTYPE = 0xb703L;

    private final PeerCredentials credentials;
    private final NetnsIdentity netns;
    private final int netnsFd;
    private final Path namespace;
    private final String podUid;

    private Caller(PeerCredentials credentials, NetnsIdentity netns, int netnsFd, Path namespace, String podUid) {
        this.credentials = credentials;
        this.netns = netns;
        this.netnsFd = netnsFd;
        this.namespace = namespace;
        this.podUid = podUid;
    }

    /** Pins the peer of {@code c}; a {@link RequestException} (GONE) when it cannot be identified. */
    public static Caller pin(UnixConnection c) throws RequestException {
        PeerCredentials peer;
        try {
            peer = c.peer();
        } catch (IOException e) {
            throw new RequestException(RequestException.Kind.GONE, "the caller cannot be identified: " + e.getMessage());
        }
        int pidfd = peerPidfd(c.fd());
        if (pidfd == UNSUPPORTED) {
            pidfd = pidfdOpen(peer.pid());
        }
        if (pidfd < 0) {
            throw new RequestException(RequestException.Kind.GONE, "the caller (PID " + peer.pid() + ") exited before it was identified");
        }
        try {
            int ns;
            try {
                ns = LibC.INSTANCE.open("/proc/" + peer.pid() + "/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                throw new RequestException(RequestException.Kind.GONE, "the caller (PID " + peer.pid() + ") exited before it was identified");
            }
            String pod = podOf(peer.pid()); // read before the liveness check, like the namespace
            if (!alive(pidfd)) { // the PID may have been reused between connect and open
                LibC.INSTANCE.close(ns);
                throw new RequestException(RequestException.Kind.GONE, "the caller (PID " + peer.pid() + ") exited before it was identified");
            }
            Path fdPath = Path.of("/proc/self/fd/" + ns);
            try {
                return new Caller(peer, NetnsIdentity.of(fdPath), ns, fdPath, pod);
            } catch (IOException e) {
                LibC.INSTANCE.close(ns);
                throw new RequestException(RequestException.Kind.GONE, "the caller's namespace cannot be read: " + e.getMessage());
            }
        } finally {
            LibC.INSTANCE.close(pidfd);
        }
    }

    /**
     * The pod a container runtime acts for (the KubeVirt binding: Multus, root on the node, runs
     * podnic-shim with the pod's namespace in CNI_NETNS): the namespace at {@code netns} is opened now
     * and held like a peer's, and must be a network namespace.
     */
    public static Caller onBehalfOf(PeerCredentials runtime, Path netns, String podUid) throws IOException {
        int ns;
        try {
            ns = LibC.INSTANCE.open(netns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open the network namespace " + netns + " (errno " + e.getErrorCode() + ")");
        }
        try {
            if (LibC.INSTANCE.ioctl(ns, NS_GET_NSTYPE, 0L) != LibC.CLONE_NEWNET) {
                throw new IOException(netns + " is not a network namespace");
            }
            Path fdPath = Path.of("/proc/self/fd/" + ns);
            return new Caller(runtime, NetnsIdentity.of(fdPath), ns, fdPath, podUid);
        } catch (LastErrorException e) {
            LibC.INSTANCE.close(ns);
            throw new IOException(netns + " is not a namespace (errno " + e.getErrorCode() + ")");
        } catch (IOException e) {
            LibC.INSTANCE.close(ns);
            throw e;
        }
    }

    /** A caller whose namespace the test asserts (unit tests, and in-process tests that play the kernel). */
    public static Caller assumed(PeerCredentials credentials, NetnsIdentity netns, Path namespace) {
        return assumed(credentials, netns, namespace, null);
    }

    /** The same, for a caller in the pod with this UID. */
    public static Caller assumed(PeerCredentials credentials, NetnsIdentity netns, Path namespace, String podUid) {
        return new Caller(credentials, netns, -1, namespace, podUid);
    }

    private static String podOf(long pid) {
        try {
            return PodCgroup.podUid(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/cgroup"))).orElse(null);
        } catch (IOException e) {
            return null; // gone: the liveness check refuses it next
        }
    }

    private static int pidfdOpen(long pid) {
        try {
            return (int) LibC.INSTANCE.syscall(LibC.SYS_PIDFD_OPEN, pid, 0, 0, 0);
        } catch (LastErrorException e) {
            return -1; // ESRCH: gone already
        }
    }

    private static boolean alive(int pidfd) {
        try {
            LibC.INSTANCE.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, pidfd, 0, 0, 0);
            return true;
        } catch (LastErrorException e) {
            return e.getErrorCode() != ESRCH;
        }
    }

    /** The peer's pidfd from the kernel (Linux 6.5+); {@value #UNSUPPORTED} on older kernels, -1 when the peer is gone. */
    private static int peerPidfd(int fd) {
        byte[] v = new byte[4];
        int[] len = {4};
        try {
            LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERPIDFD, v, len);
            return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOPROTOOPT) {
                return UNSUPPORTED;
            }
            return -1;
        }
    }

    public PeerCredentials credentials() {
        return credentials;
    }

    public NetnsIdentity netns() {
        return netns;
    }

    /** The UID of the Kubernetes pod the caller runs in (from its cgroup), or null outside any pod. */
    public String podUid() {
        return podUid;
    }

    /** The caller's namespace for this process's own use (netlink), valid until {@link #close}. */
    public Path namespace() {
        return namespace;
    }

    @Override
    public void close() {
        if (netnsFd >= 0) {
            LibC.INSTANCE.close(netnsFd);
        }
    }

    @Override
    public String toString() {
        return "PID " + credentials.pid() + " uid " + credentials.uid() + " in " + netns + (podUid == null ? "" : " pod " + podUid);
    }
}
