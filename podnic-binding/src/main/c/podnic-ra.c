/*
 * podnic-ra: IPv6 Router Advertisements on a vNIC's bridge, sent in the name of the CNI network's
 * real gateway.
 *
 * The guest must route off-link traffic to the gateway on the node, not to the pod (the pod does
 * not forward). An IPv6 host takes its default router from the *source address* of a Router
 * Advertisement, which must be link-local (RFC 4861 6.1.2). So the advertisements carry the
 * gateway's own link-local address as their source, and no source link-layer option: the guest
 * resolves that address by neighbour solicitation, which crosses the bridge and the VMI interface
 * and is answered by the gateway itself. The pod never holds the address (IPV6_FREEBIND lets the
 * socket send from it), so the pod never answers for it. radvd and dnsmasq cannot do this: both
 * send from an address of their own interface and add its MAC.
 *
 * Flags M and O (addresses and DNS by DHCPv6), an MTU option, and for networks whose prefix is
 * on-link (a bridge) a prefix option with L set and A clear (no autoconfiguration). Answers router
 * solicitations at once, at most one advertisement per 300 ms: RFC 4861's MIN_DELAY_BETWEEN_RAS (3 s)
 * spares a shared link, and this link is a bridge with one guest on it (the VMI interface lets no
 * advertisement through), whose boot should not wait for the rest of 3 s. It sends
 * three unsolicited ones a second apart at start, then one every 60-120 s, with a router lifetime
 * of 1800 s, and on SIGTERM a last one with router lifetime 0, so that guests drop the route at once.
 *
 * Usage: podnic-ra --interface IF [--router FE80::X] --mtu N [--on-link PREFIX/LEN] [--pid-file F]
 *                  [--netns PATH]
 *        podnic-ra ... --print   (the advertisement's ICMPv6 bytes in hex, checksum 0: for tests)
 * With --netns (the pod's namespace as the container runtime names it, e.g. /var/run/netns/cni-…) it
 * ends by itself, within a second, once PATH no longer names the namespace it runs in: a pod that goes
 * without anyone stopping podnic-ra is not kept alive by it (a process in a namespace holds it).
 * Without --router (the gateway's address is unknown) it advertises from the interface's own
 * link-local address with router lifetime 0: addresses by DHCPv6 and the prefix, but no default
 * route through the pod.
 * Without --print it daemonizes once its socket is ready and the first advertisement is sent:
 * exit status 0 then means serving; 1 with a message on stderr means not.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

#define ROUTER_LIFETIME 1800
#define PREFIX_VALID 86400
#define PREFIX_PREFERRED 14400
#define MIN_GAP_MS 300
#define INITIAL_INTERVAL_MS 1000
#define INITIAL_ADVERTISEMENTS 3
#define MIN_INTERVAL_MS 60000
#define MAX_INTERVAL_MS 120000
#define NETNS_CHECK_MS 1000

struct config {
    const char *interface;
    struct in6_addr router;
    int have_router;
    unsigned mtu;
    int on_link;
    struct in6_addr prefix;
    unsigned prefix_len;
    const char *pid_file;
    const char *netns;
    int print;
};

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
    (void) sig;
    stopping = 1;
}

static void die(const char *what) {
    fprintf(stderr, "podnic-ra: %s\n", what);
    exit(1);
}

static void die_errno(const char *what) {
    fprintf(stderr, "podnic-ra: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void put16(unsigned char *p, unsigned v) {
    p[0] = (unsigned char) (v >> 8);
    p[1] = (unsigned char) v;
}

static void put32(unsigned char *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* The advertisement (RFC 4861 4.2, 4.6.2, 4.6.4); returns its length. */
static size_t advertisement(const struct config *c, unsigned router_lifetime, unsigned char *out) {
    size_t n = 16;
    memset(out, 0, 64);
    out[0] = ND_ROUTER_ADVERT;
    out[4] = 0;                   /* cur hop limit: unspecified */
    out[5] = 0x80 | 0x40;         /* M: addresses by DHCPv6; O: other configuration too */
    put16(out + 6, c->have_router ? router_lifetime : 0);
    out[n] = ND_OPT_MTU;
    out[n + 1] = 1;
    put32(out + n + 4, c->mtu);
    n += 8;
    if (c->on_link) {
        out[n] = ND_OPT_PREFIX_INFORMATION;
        out[n + 1] = 4;
        out[n + 2] = (unsigned char) c->prefix_len;
        out[n + 3] = 0x80;        /* L: on-link; A clear: no autoconfiguration */
        put32(out + n + 4, PREFIX_VALID);
        put32(out + n + 8, PREFIX_PREFERRED);
        memcpy(out + n + 16, &c->prefix, 16);
        n += 32;
    }
    return n;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long long next_unsolicited(void) {
    unsigned r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r) {
        r = (unsigned) getpid();
    }
    return now_ms() + MIN_INTERVAL_MS + r % (MAX_INTERVAL_MS - MIN_INTERVAL_MS);
}

static void parse(int argc, char **argv, struct config *c) {
    memset(c, 0, sizeof *c);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--print") == 0) {
            c->print = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "podnic-ra: %s needs a value\n", a);
            exit(2);
        }
        const char *v = argv[++i];
        if (strcmp(a, "--interface") == 0) {
            c->interface = v;
        } else if (strcmp(a, "--router") == 0) {
            if (inet_pton(AF_INET6, v, &c->router) != 1 || !IN6_IS_ADDR_LINKLOCAL(&c->router)) {
                fprintf(stderr, "podnic-ra: --router %s: not an IPv6 link-local address\n", v);
                exit(2);
            }
            c->have_router = 1;
        } else if (strcmp(a, "--mtu") == 0) {
            char *end;
            unsigned long m = strtoul(v, &end, 10);
            if (*end || m < 1280 || m > 65535) {
                fprintf(stderr, "podnic-ra: --mtu %s: not an IPv6 MTU (1280-65535)\n", v);
                exit(2);
            }
            c->mtu = (unsigned) m;
        } else if (strcmp(a, "--on-link") == 0) {
            char buf[64];
            const char *slash = strchr(v, '/');
            char *end;
            if (!slash || (size_t) (slash - v) >= sizeof buf) {
                fprintf(stderr, "podnic-ra: --on-link %s: not PREFIX/LENGTH\n", v);
                exit(2);
            }
            memcpy(buf, v, (size_t) (slash - v));
            buf[slash - v] = 0;
            unsigned long len = strtoul(slash + 1, &end, 10);
            if (inet_pton(AF_INET6, buf, &c->prefix) != 1 || *end || slash[1] == 0 || len > 128) {
                fprintf(stderr, "podnic-ra: --on-link %s: not PREFIX/LENGTH\n", v);
                exit(2);
            }
            c->on_link = 1;
            c->prefix_len = (unsigned) len;
        } else if (strcmp(a, "--pid-file") == 0) {
            c->pid_file = v;
        } else if (strcmp(a, "--netns") == 0) {
            c->netns = v;
        } else {
            fprintf(stderr, "podnic-ra: unknown option %s\n", a);
            exit(2);
        }
    }
    if (!c->interface || !c->mtu) {
        fprintf(stderr, "usage: podnic-ra --interface IF [--router FE80::X] --mtu N [--on-link PREFIX/LEN] "
                        "[--pid-file F] [--netns PATH] [--print]\n");
        exit(2);
    }
}

static int open_socket(const struct config *c, unsigned ifindex) {
    int s = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (s < 0) {
        die_errno("socket");
    }
    int one = 1, hops = 255;
    if (setsockopt(s, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) < 0) {
        die_errno("IPV6_FREEBIND (sending from the gateway's address)");
    }
    if (setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, c->interface, (socklen_t) strlen(c->interface)) < 0) {
        die_errno("SO_BINDTODEVICE");
    }
    struct icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
    if (setsockopt(s, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0
            || setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0
            || setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) < 0
            || setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0
            || setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) < 0) {
        die_errno("socket options");
    }
    int zero = 0;
    setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero);
    struct ipv6_mreq all_routers = {.ipv6mr_interface = ifindex};
    inet_pton(AF_INET6, "ff02::2", &all_routers.ipv6mr_multiaddr);
    if (setsockopt(s, IPPROTO_IPV6, IPV6_JOIN_GROUP, &all_routers, sizeof all_routers) < 0) {
        die_errno("joining ff02::2 (router solicitations)");
    }
    return s;
}

static int send_advertisement(int s, const struct config *c, unsigned ifindex, unsigned lifetime) {
    unsigned char ra[64];
    size_t len = advertisement(c, lifetime, ra);
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = ifindex};
    inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    union {
        char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = ra, .iov_len = len};
    struct msghdr msg = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = IPPROTO_IPV6;
    cm->cmsg_type = IPV6_PKTINFO;
    cm->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
    struct in6_pktinfo info = {.ipi6_addr = c->have_router ? c->router : in6addr_any, .ipi6_ifindex = ifindex};
    memcpy(CMSG_DATA(cm), &info, sizeof info);
    return sendmsg(s, &msg, 0) < 0 ? -1 : 0;
}

/* A router solicitation as RFC 4861 6.1.1 accepts it: hop limit 255, code 0, 8 bytes at least. */
static int valid_solicitation(int s) {
    unsigned char buf[1500];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(s, &msg, MSG_DONTWAIT);
    if (n < 8 || buf[0] != ND_ROUTER_SOLICIT || buf[1] != 0) {
        return 0;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            memcpy(&hops, CMSG_DATA(cm), sizeof hops);
            return hops == 255;
        }
    }
    return 0;
}

static void write_pid_file(const char *path, pid_t pid) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp) {
        die("--pid-file: path too long");
    }
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%d\n", (int) pid) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        die_errno("writing the pid file");
    }
}

/* Whether PATH still names the network namespace this process runs in (same nsfs device and inode). */
static int netns_alive(const char *path) {
    struct stat pinned, own;
    return stat(path, &pinned) == 0 && stat("/proc/self/ns/net", &own) == 0 && pinned.st_dev == own.st_dev
           && pinned.st_ino == own.st_ino;
}

int main(int argc, char **argv) {
    struct config c;
    parse(argc, argv, &c);
    if (c.print) {
        unsigned char ra[64];
        size_t len = advertisement(&c, ROUTER_LIFETIME, ra);
        for (size_t i = 0; i < len; i++) {
            printf("%02x", ra[i]);
        }
        printf("\n");
        return 0;
    }
    unsigned ifindex = if_nametoindex(c.interface);
    if (!ifindex) {
        fprintf(stderr, "podnic-ra: no interface %s in this network namespace\n", c.interface);
        return 1;
    }
    if (c.netns && !netns_alive(c.netns)) {
        fprintf(stderr, "podnic-ra: --netns %s does not name this process's network namespace\n", c.netns);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    int s = open_socket(&c, ifindex);
    /* A link without carrier yet (a bridge before its first port, e.g. a libvirt network's) cannot send:
       the next initial advertisement tries again. Anything else is a configuration podnic must hear of. */
    if (send_advertisement(s, &c, ifindex, ROUTER_LIFETIME) < 0 && errno != ENETUNREACH && errno != ENETDOWN
            && errno != EADDRNOTAVAIL && errno != ENOBUFS) {
        die_errno("sending the first advertisement");
    }
    /* The pid file names the daemon, so it is written by the daemon's parent with the child's pid. */
    int ready[2];
    if (pipe(ready) < 0) {
        die_errno("pipe");
    }
    pid_t child = fork();
    if (child < 0) {
        die_errno("fork");
    }
    if (child > 0) {
        close(ready[1]);
        char ok;
        if (read(ready[0], &ok, 1) != 1) {
            return 1;
        }
        if (c.pid_file) {
            write_pid_file(c.pid_file, child);
        }
        return 0;
    }
    close(ready[0]);
    setsid();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) {
            close(null);
        }
    }
    struct sigaction term = {.sa_handler = on_term};
    sigaction(SIGTERM, &term, NULL);
    sigaction(SIGINT, &term, NULL);
    if (write(ready[1], "1", 1) != 1) {
        return 1;
    }
    close(ready[1]);

    /* The first advertisements come at short intervals (RFC 4861 6.2.4 allows up to three): a guest
       whose link came up meanwhile need not solicit. */
    int initial = 1;
    long long last = now_ms(), due = last + INITIAL_INTERVAL_MS, pending = -1;
    while (!stopping) {
        long long t = now_ms();
        long long wake = pending >= 0 && pending < due ? pending : due;
        if (c.netns && wake > t + NETNS_CHECK_MS) {
            wake = t + NETNS_CHECK_MS;
        }
        struct pollfd p = {.fd = s, .events = POLLIN};
        int r = poll(&p, 1, wake > t ? (int) (wake - t) : 0);
        if (r < 0 && errno != EINTR) {
            return 1;
        }
        if (c.netns && !netns_alive(c.netns)) {
            break; /* the pod is gone: so is its guest, and this process must not keep its namespace */
        }
        t = now_ms();
        if (r > 0 && valid_solicitation(s)) {
            long long earliest = last + MIN_GAP_MS;
            pending = t >= earliest ? t : earliest;
        }
        if ((pending >= 0 && t >= pending) || t >= due) {
            send_advertisement(s, &c, ifindex, ROUTER_LIFETIME); /* a failed send is retried at the next */
            last = t;
            pending = -1;
            due = ++initial < INITIAL_ADVERTISEMENTS ? t + INITIAL_INTERVAL_MS : next_unsolicited();
        }
    }
    send_advertisement(s, &c, ifindex, 0); /* "I am no longer a router": guests drop the default route */
    if (c.pid_file) {
        unlink(c.pid_file);
    }
    return 0;
}
