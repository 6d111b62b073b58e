package dev.podnic.netlink.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The libc calls podnic makes itself; each throws {@link LastErrorException} carrying errno.
 * Sizes are declared as Java {@code long}, which JNA maps to 64 bits: size_t on x86-64/aarch64.
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int NETLINK_NETFILTER = 12;
    int SOL_NETLINK = 270;
    int NETLINK_CAP_ACK = 10;
    int NETLINK_EXT_ACK = 11;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int MSG_TRUNC = 0x20;
    int AF_UNIX = 1;
    int AF_INET = 2;
    int AF_INET6 = 10;
    int IPPROTO_IPV6 = 41;
    int IPV6_ADD_MEMBERSHIP = 20;
    int IPV6_V6ONLY = 26;
    int SO_REUSEADDR = 2;
    int SO_BROADCAST = 6;
    int AF_PACKET = 17;
    int SOCK_DGRAM = 2;
    int IPPROTO_ICMPV6 = 58;
    int SO_BINDTODEVICE = 25;
    int SOCK_STREAM = 1;
    int SO_PEERCRED = 17;
    /** Linux 6.5+: a pidfd of the peer as it was at connect time. */
    int SO_PEERPIDFD = 77;
    /** x86_64 syscall numbers (no glibc 2.36 wrappers can be assumed). */
    long SYS_PIDFD_SEND_SIGNAL = 424;
    long SYS_PIDFD_OPEN = 434;
    int SO_RCVTIMEO = 20;
    int SO_SNDTIMEO = 21;
    int MSG_DONTWAIT = 0x40;
    short POLLIN = 0x1;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] sockaddr, int len) throws LastErrorException;

    int setsockopt(int fd, int level, int name, int[] value, int len) throws LastErrorException;

    long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, byte[] to, int toLength) throws LastErrorException;

    long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    /** {@code from}: room for the sender's sockaddr; {@code fromLength[0]}: its size in, the sender's length out. */
    long recvfrom(int fd, byte[] buf, long len, int flags, byte[] from, int[] fromLength) throws LastErrorException;

    /** 0 when there is no such link in the calling thread's network namespace. */
    int if_nametoindex(String name);

    int listen(int fd, int backlog) throws LastErrorException;

    int accept4(int fd, com.sun.jna.Pointer addr, com.sun.jna.Pointer addrlen, int flags) throws LastErrorException;

    int connect(int fd, byte[] sockaddr, int len) throws LastErrorException;

    int getsockopt(int fd, int level, int name, byte[] value, int[] len) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    long read(int fd, byte[] buf, long len) throws LastErrorException;

    long write(int fd, byte[] buf, long len) throws LastErrorException;

    int shutdown(int fd, int how) throws LastErrorException;

    int chmod(String path, int mode) throws LastErrorException;

    /** A raw system call with up to four integer arguments (pidfd_open, pidfd_send_signal). */
    long syscall(long number, long a1, long a2, long a3, long a4) throws LastErrorException;

    int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    int ioctl(int fd, long request, long arg) throws LastErrorException;

    /** {@code fds}: struct pollfd[] in native byte order (int fd, short events, short revents: 8 bytes each). */
    int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

    int eventfd(int initval, int flags) throws LastErrorException;

    /** {@code msg}: a struct msghdr (see {@link MsgHdr}). */
    long sendmsg(int fd, com.sun.jna.Pointer msg, int flags) throws LastErrorException;

    /** {@code msg}: a struct msghdr (see {@link MsgHdr}); its control length is updated. */
    long recvmsg(int fd, com.sun.jna.Pointer msg, int flags) throws LastErrorException;
}
