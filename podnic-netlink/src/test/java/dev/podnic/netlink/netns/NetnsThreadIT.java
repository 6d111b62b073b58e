package dev.podnic.netlink.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.netlink.sys.Errno;
import dev.podnic.netlink.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real kernel: a namespace made with iproute2 (never the root namespace's state). */
class NetnsThreadIT {
    private final String name = "pdnt" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 100000;
    private final Path path = Path.of("/run/netns", name);

    private static String run(String... cmd) {
        return ChildProcess.run(new ProcessBuilder(cmd), Duration.ofSeconds(30)).orThrow(String.join(" ", cmd));
    }

    private static Object inode(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino");
    }

    @BeforeEach
    void create() throws Exception {
        run("ip", "netns", "add", name);
    }

    @AfterEach
    void delete() throws Exception {
        run("ip", "netns", "delete", name);
    }

    @Test
    void workAndChildProcessesRunInsideTheNamespace() throws Exception {
        Object rootNs = inode(Path.of("/proc/thread-self/ns/net"));
        try (NetnsThread t = NetnsThread.enter(path)) {
            assertThat(t.call(() -> inode(Path.of("/proc/thread-self/ns/net")))).isEqualTo(inode(path));
            // A child forked from the namespace thread lives in the namespace: it sees only lo.
            String links = t.call(() -> run("ip", "-o", "link", "show"));
            assertThat(links.lines()).hasSize(1).allMatch(l -> l.contains(": lo:"));
            assertThat(t.call(() -> run("readlink", "/proc/self/ns/net")).strip())
                    .isEqualTo("net:[" + inode(path) + "]");
        }
        assertThat(inode(Path.of("/proc/thread-self/ns/net"))).isEqualTo(rootNs); // the caller never moved
    }

    @Test
    void exceptionsReachTheCallerAndTheThreadSurvivesThem() throws Exception {
        try (NetnsThread t = NetnsThread.enter(path)) {
            assertThatThrownBy(() -> t.call(() -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(t.call(() -> inode(Path.of("/proc/thread-self/ns/net")))).isEqualTo(inode(path));
        }
    }

    @Test
    void workOnTheThreadMayCallItWithoutWaitingForItself() throws Exception {
        try (NetnsThread t = NetnsThread.enter(path)) {
            java.util.concurrent.CompletableFuture<Object> nested = new java.util.concurrent.CompletableFuture<>();
            t.execute(() -> {
                try {
                    nested.complete(t.call(() -> inode(Path.of("/proc/thread-self/ns/net"))));
                } catch (Exception e) {
                    nested.completeExceptionally(e);
                }
            });
            assertThat(nested.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(inode(path));
        }
    }

    @Test
    void missingNamespaceIsATypedError() {
        assertThatThrownBy(() -> NetnsThread.enter(Path.of("/run/netns/pdnt-absent")))
                .isInstanceOfSatisfying(NetnsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                    assertThat(e.path()).isEqualTo("/run/netns/pdnt-absent");
                });
    }

    @Test
    void aFileThatIsNotANamespaceIsRefusedBySetns() throws Exception {
        Path notNs = Files.createTempFile("pdnt", ".txt");
        try {
            assertThatThrownBy(() -> NetnsThread.enter(notNs))
                    .isInstanceOfSatisfying(NetnsException.class, e -> {
                        assertThat(e.operation()).isEqualTo("setns");
                        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                    });
        } finally {
            Files.delete(notNs);
        }
    }

    @Test
    void closedThreadRefusesWork() throws Exception {
        NetnsThread t = NetnsThread.enter(path);
        t.close();
        assertThatThrownBy(() -> t.execute(() -> { })).isInstanceOf(IllegalStateException.class);
    }
}
