/*
 * podnic-shim: the CNI plugin Multus runs for podnic's KubeVirt network binding.
 *
 * It runs on the node's own file system (/opt/cni/bin), where no JVM can be assumed, so it is a
 * small static C program that does one thing: forward the CNI call (its CNI_* environment and its
 * stdin) to the podnic node daemon over a host-only Unix socket, and hand the daemon's answer back
 * (stdout and exit status). Everything else happens in the daemon. Wire format (docs/kubevirt.md):
 *
 *   request:  "PODNIC-CNI 1\n", then one "NAME=value\n" per CNI_* variable that is set, then "\n",
 *             then the network configuration (stdin) up to end of stream (the shim half-closes).
 *   answer:   the exit status in decimal, "\n", then the plugin's stdout up to end of stream.
 *
 * VERSION is the plugin's own answer (the CNI spec; libcni asks it when it validates a network list):
 * the shim gives it itself, daemon or not, as CNI's skel does for Go plugins. When the daemon cannot be
 * asked, the shim answers itself with a CNI error (code 11, "try again later", where a retry can help)
 * so that the runtime retries instead of failing the pod for good.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/var/lib/podnic/node/binding.sock"
#define MAX_CONFIG (1 << 20)
#define ANSWER_TIMEOUT_SECONDS 300
/* What the node daemon serves (HostBinding.VERSIONS; podnic's runtime converts results between them). */
#define VERSION_ANSWER "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n"

/* CNI error codes (SPEC.md "Error"). */
#define CNI_INVALID_ENV 4
#define CNI_IO_FAILURE 5
#define CNI_TRY_AGAIN_LATER 11

static const char *const VARIABLES[] = {
    "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH", NULL,
};

static char config[MAX_CONFIG + 1];
static size_t config_len;

/* The cniVersion of the configuration, for our own error answers; "1.0.0" when it cannot be found. */
static void config_version(char *out, size_t size) {
    snprintf(out, size, "1.0.0");
    config[config_len] = '\0';
    const char *key = strstr(config, "\"cniVersion\"");
    if (key == NULL) {
        return;
    }
    const char *p = strchr(key + 12, ':');
    if (p == NULL || (p = strchr(p, '"')) == NULL) {
        return;
    }
    const char *end = strchr(++p, '"');
    if (end == NULL || end - p == 0 || (size_t)(end - p) >= size) {
        return;
    }
    for (const char *c = p; c < end; c++) {
        if ((*c < '0' || *c > '9') && *c != '.') {
            return; /* not a version: never echo arbitrary bytes into JSON */
        }
    }
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
}

/* A CNI error on stdout (the spec's place for it) and exit status 1. msg must not need JSON escaping
 * beyond what json_text does. */
static void json_text(const char *s) {
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            printf("\\%c", *s);
        } else if ((unsigned char)*s < 0x20) {
            printf("\\u%04x", (unsigned char)*s);
        } else {
            putchar(*s);
        }
    }
}

static int fail(int code, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char version[32];
    config_version(version, sizeof version);
    printf("{\"cniVersion\":\"%s\",\"code\":%d,\"msg\":\"", version, code);
    json_text(msg);
    printf("\"}\n");
    fflush(stdout);
    return 1;
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_config(void) {
    for (;;) {
        ssize_t n = read(STDIN_FILENO, config + config_len, MAX_CONFIG + 1 - config_len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (n == 0) {
            return 0;
        }
        config_len += (size_t)n;
        if (config_len > MAX_CONFIG) {
            errno = EFBIG;
            return -1;
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("podnic-shim: the CNI plugin of podnic's KubeVirt network binding. Multus runs it; it forwards\n"
               "each CNI call to the podnic node daemon on %s (PODNIC_BINDING_SOCKET overrides)\n"
               "and prints the daemon's answer. See docs/kubevirt.md.\n", DEFAULT_SOCKET);
        return 0;
    }
    /* A daemon that hangs up mid-request must give a CNI error, not a death by SIGPIPE without one. */
    signal(SIGPIPE, SIG_IGN);
    if (read_config() != 0) {
        return fail(CNI_IO_FAILURE, "podnic-shim: cannot read the network configuration from stdin: %s", strerror(errno));
    }
    const char *command = getenv("CNI_COMMAND");
    if (command == NULL || *command == '\0') {
        return fail(CNI_INVALID_ENV, "podnic-shim: CNI_COMMAND is not set (this is a CNI plugin: a container runtime runs it)");
    }
    if (strcmp(command, "VERSION") == 0) {
        fputs(VERSION_ANSWER, stdout);
        return fflush(stdout) == 0 ? 0 : CNI_IO_FAILURE;
    }
    for (const char *const *v = VARIABLES; *v; v++) {
        const char *value = getenv(*v);
        if (value != NULL && strchr(value, '\n') != NULL) {
            return fail(CNI_INVALID_ENV, "podnic-shim: %s contains a newline", *v);
        }
    }

    const char *path = getenv("PODNIC_BINDING_SOCKET");
    if (path == NULL || *path == '\0') {
        path = DEFAULT_SOCKET;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        return fail(CNI_INVALID_ENV, "podnic-shim: socket path too long: %s", path);
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        return fail(CNI_TRY_AGAIN_LATER, "podnic-shim: the podnic node daemon is not reachable at %s (%s); is the podnic "
                    "DaemonSet running on this node?", path, strerror(errno));
    }
    struct timeval tv = {.tv_sec = ANSWER_TIMEOUT_SECONDS};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    char head[16384];
    size_t len = (size_t)snprintf(head, sizeof head, "PODNIC-CNI 1\n");
    for (const char *const *v = VARIABLES; *v; v++) {
        const char *value = getenv(*v);
        if (value == NULL) {
            continue;
        }
        int n = snprintf(head + len, sizeof head - len, "%s=%s\n", *v, value);
        if (n < 0 || (size_t)n >= sizeof head - len - 1) {
            return fail(CNI_INVALID_ENV, "podnic-shim: the CNI_* environment is larger than %zu bytes", sizeof head);
        }
        len += (size_t)n;
    }
    head[len++] = '\n';
    if (write_all(fd, head, len) != 0 || write_all(fd, config, config_len) != 0) {
        return fail(CNI_TRY_AGAIN_LATER, "podnic-shim: the podnic node daemon at %s hung up (%s)", path, strerror(errno));
    }
    shutdown(fd, SHUT_WR);

    /* The answer: the status line, then stdout, passed through as it arrives. */
    char buf[65536];
    size_t got = 0;
    int status = -1;
    for (;;) {
        ssize_t n = read(fd, buf + got, sizeof buf - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return fail(errno == EAGAIN ? CNI_TRY_AGAIN_LATER : CNI_IO_FAILURE,
                        "podnic-shim: no answer from the podnic node daemon at %s (%s)", path, strerror(errno));
        }
        if (status < 0) {
            got += (size_t)n;
            char *nl = memchr(buf, '\n', got);
            if (nl == NULL) {
                if (n == 0 || got == sizeof buf) {
                    return fail(CNI_TRY_AGAIN_LATER, "podnic-shim: the podnic node daemon at %s closed the connection "
                                "without an answer", path);
                }
                continue;
            }
            *nl = '\0';
            char *end;
            long parsed = strtol(buf, &end, 10);
            if (end == buf || *end != '\0' || parsed < 0 || parsed > 255) {
                return fail(CNI_IO_FAILURE, "podnic-shim: the podnic node daemon at %s answered in a format this "
                            "podnic-shim does not know (is it the same podnic version?)", path);
            }
            status = (int)parsed;
            size_t rest = got - (size_t)(nl + 1 - buf);
            if (write_all(STDOUT_FILENO, nl + 1, rest) != 0) {
                return CNI_IO_FAILURE;
            }
            got = 0;
            if (n == 0) {
                break;
            }
            continue;
        }
        if (n == 0) {
            break;
        }
        if (write_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
            return CNI_IO_FAILURE;
        }
    }
    close(fd);
    return status;
}
