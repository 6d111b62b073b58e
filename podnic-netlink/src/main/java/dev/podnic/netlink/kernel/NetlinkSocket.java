package dev.podnic.netlink.kernel;

import com.sun.jna.LastErrorException;
import dev.podnic.netlink.NetlinkException;
import dev.podnic.netlink.sys.LibC;
import dev.podnic.netlink.wire.NlMessage;
import dev.podnic.netlink.wire.NlMessageBuilder;
import dev.podnic.netlink.wire.Rtnl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A netlink socket (NETLINK_ROUTE, or NETLINK_NETFILTER for nf_tables). It belongs to the network
 * namespace of the thread that opened it, for its whole life, so requests may be sent from any
 * thread afterwards. One request (or batch) at a time.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final byte[] buffer = new byte[BUFFER];
    private int seq;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
    static NetlinkSocket open() {
        return open(LibC.NETLINK_ROUTE);
    }

    /** Opens a socket of netlink {@code protocol} in the calling thread's network namespace. */
    static NetlinkSocket open(int protocol) {
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw new NetlinkException("open netlink socket", e.getErrorCode(), null, e);
        }
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, new int[] {1}, 4);
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, new int[] {1}, 4);
            LibC.INSTANCE.bind(fd, new byte[] {LibC.AF_NETLINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12);
        } catch (LastErrorException e) {
            LibC.INSTANCE.close(fd);
            throw new NetlinkException("set up netlink socket", e.getErrorCode(), null, e);
        }
        return new NetlinkSocket(fd);
    }

    /** Sends a request that expects an ACK; throws the kernel's error as a typed exception. */
    synchronized void execute(String operation, byte[] request) {
        exchange(operation, request, false, false);
    }

    /** Sends a request that answers with one message (e.g. GETLINK by name). */
    synchronized NlMessage get(String operation, byte[] request) {
        List<NlMessage> out = exchange(operation, request, false, false);
        if (out.isEmpty()) {
            throw new NetlinkException(operation, 0, "no answer", null);
        }
        return out.get(0);
    }

    /**
     * As {@link #get}, for a request that asks whether something exists: the kernel's "no such object" answers empty,
     * without an exception made for it (a stack trace per lookup of a name that is free, five per binding ADD).
     */
    synchronized Optional<NlMessage> find(String operation, byte[] request) {
        List<NlMessage> out = exchange(operation, request, false, true);
        return out.isEmpty() ? Optional.empty() : Optional.of(out.get(0));
    }

    /** Sends a dump request and returns every message up to NLMSG_DONE. */
    synchronized List<NlMessage> dump(String operation, byte[] request) {
        return exchange(operation, request, true, false);
    }

    /** @param absentIsEmpty the kernel's "no such object" answers no message instead of throwing */
    private List<NlMessage> exchange(String operation, byte[] request, boolean dump, boolean absentIsEmpty) {
        int mySeq = ++seq;
        NlMessageBuilder.setSeq(request, mySeq);
        send(operation, request);
        boolean expectsAck = asksForAck(request);
        List<NlMessage> out = new ArrayList<>();
        while (true) {
            for (NlMessage m : receive(operation)) {
                if (m.seq() != mySeq) {
                    continue; // a late answer to an earlier, abandoned request
                }
                if (m.type() == Rtnl.NLMSG_ERROR) {
                    int errno = m.errorCode();
                    if (errno != 0 && absentIsEmpty && NetlinkException.meansNotFound(errno)) {
                        return List.of();
                    }
                    if (errno != 0) {
                        throw NetlinkException.of(operation, errno, m.extendedAckMessage());
                    }
                    return out; // ACK
                }
                if (m.type() == Rtnl.NLMSG_DONE) {
                    int errno = m.payload().remaining() >= 4 ? -m.payload().getInt(0) : 0;
                    if (errno > 0) {
                        throw NetlinkException.of(operation, errno, "dump interrupted");
                    }
                    return out;
                }
                out.add(copy(m));
                if (!dump && !expectsAck) {
                    return out;
                }
            }
        }
    }

    /**
     * Sends {@code messages} in one datagram (an nfnetlink batch: the kernel applies it as one
     * transaction) and waits for the answer to every message that asked for an ACK; throws the
     * first error the kernel reported, naming the message's position.
     */
    synchronized void executeBatch(String operation, List<byte[]> messages) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        java.util.Set<Integer> awaited = new java.util.HashSet<>();
        int first = seq + 1;
        for (byte[] m : messages) {
            int mySeq = ++seq;
            NlMessageBuilder.setSeq(m, mySeq);
            if (asksForAck(m)) {
                awaited.add(mySeq);
            }
            all.writeBytes(m);
        }
        send(operation, all.toByteArray());
        NetlinkException failure = null;
        while (!awaited.isEmpty()) {
            for (NlMessage m : receive(operation)) {
                if (m.type() == Rtnl.NLMSG_ERROR && awaited.remove(m.seq())) {
                    int errno = m.errorCode();
                    if (errno != 0 && failure == null) {
                        String ack = m.extendedAckMessage();
                        failure = NetlinkException.of(operation, errno, "message " + (m.seq() - first) + " of the batch"
                                + (ack == null ? "" : ": " + ack));
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void send(String operation, byte[] datagram) {
        try {
            LibC.INSTANCE.send(fd, datagram, datagram.length, 0);
        } catch (LastErrorException e) {
            throw NetlinkException.of(operation, e.getErrorCode(), "send failed");
        }
    }

    /** The messages of the next datagram; they point into the shared receive buffer (see {@link #copy}). */
    private List<NlMessage> receive(String operation) {
        int n;
        try {
            n = (int) LibC.INSTANCE.recv(fd, buffer, buffer.length, 0);
        } catch (LastErrorException e) {
            throw NetlinkException.of(operation, e.getErrorCode(), "receive failed");
        }
        return NlMessage.split(buffer, n);
    }

    private static boolean asksForAck(byte[] message) {
        return (java.nio.ByteBuffer.wrap(message).order(java.nio.ByteOrder.nativeOrder()).getShort(6) & Rtnl.NLM_F_ACK) != 0;
    }

    /** Messages point into the shared receive buffer; keep a private copy. */
    private static NlMessage copy(NlMessage m) {
        byte[] payload = NlMessage.bytes(m.payload());
        return new NlMessage(m.type(), m.flags(), m.seq(), m.pid(),
                java.nio.ByteBuffer.wrap(payload).order(java.nio.ByteOrder.nativeOrder()));
    }

    /** Idempotent: a second close must not close a descriptor the number was given to since. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LibC.INSTANCE.close(fd);
        }
    }
}
