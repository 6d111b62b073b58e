package dev.podnic.node.server;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.api.NodeClient;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.peer.UnixServer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
/**
 * The daemon tried as an attacker would, with real namespaces and the real daemon: a path swapped
 * between check and use, a uid that may not use the admin socket, a trickling client, a flood from
 * one pod, a plugin that hangs. Each refused request changes nothing and the daemon keeps serving.
 */
class NodeDaemonAttacksIT extends WithNodeDaemon {
    /**
     * The attack that worked before the daemon pinned its callers: a launcher names its namespace
     * through a symlink it controls, the check passes, and the link is repointed at another pod's
     * namespace before the plugins use it. Made deterministic: the first plugin of the chain swaps the
     * link (and records the CNI_NETNS it was given) before the bridge plugin runs.
     */
    @Test
    void aSymlinkSwappedBetweenCheckAndUseNeverReachesThePlugins() throws Exception {
        String mine = namespaces.create();
        String victim = namespaces.create();
        Path link = Files.createDirectories(tmp.resolve("links")).resolve("my-netns");
        Files.createSymbolicLink(link, path(mine));
        Path seen = tmp.resolve("seen-netns");
        RealPlugins.script(tmp.resolve("bin"), "swap", "\"1.0.0\"", "cat >/dev/null\nif [ \"$CNI_COMMAND\" = ADD ]; then "
                + "echo \"$CNI_NETNS\" >> " + seen + "; ln -sfn " + path(victim) + " " + link + "; echo '{\"cniVersion\":\"1.0.0\"}'; fi\nexit 0");
        Files.writeString(tmp.resolve("net.d/20-swapnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"swapnet\",\"plugins\":["
                + "{\"type\":\"swap\"},{\"type\":\"bridge\",\"bridge\":\"cni-swap\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.253.6.0/24\"}]]}}]}");

        JsonNode add = fromPod(mine, "ADD", link.toString(), "vmi0", "uid-a", "swapnet");
        assertThat(add.path("ok").asBoolean()).as(add.toString()).isTrue();
        Path given = Path.of(Files.readString(seen).strip());
        assertThat(given).as("the plugins got the runtime's pin, not the caller's link").isNotEqualTo(link)
                .startsWith(NodeService.DEFAULT_NETNS_DIR);
        assertThat(given.toRealPath()).isEqualTo(path(mine).toRealPath());
        assertThat(TestNamespaces.ip("-n", mine, "-o", "link", "show")).contains("vmi0");
        assertThat(TestNamespaces.ip("-n", victim, "-o", "link", "show")).doesNotContain("vmi0");

        // The link now names the victim: a DEL through it is refused, and changes nothing there.
        assertThat(code(fromPod(mine, "DEL", link.toString(), "vmi0", "uid-a", "swapnet"))).isEqualTo(NodeError.FORBIDDEN);
        assertThat(TestNamespaces.ip("-n", mine, "-o", "link", "show")).contains("vmi0");
        assertThat(fromPod(mine, "DEL", "", "vmi0", "uid-a", "swapnet").path("ok").asBoolean()).isTrue();
        assertThat(TestNamespaces.ip("-n", mine, "-o", "link", "show")).doesNotContain("vmi0");
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "swapnet").allocations()).isEmpty();
    }

    /** The admin socket checks the peer's uid too: a mode loosened by mistake does not open it to others. */
    @Test
    void theAdminSocketServesRootOnlyWhateverItsMode() throws Exception {
        Path open = Files.createTempDirectory("pdnt-admin", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"))); // others may reach the socket
        Path sock = open.resolve("admin.sock");
        try (NodeServer admin = NodeServer.admin(UnixServer.bind(sock, 0666), service).start()) {
            String list = new String(NodeWire.request(NodeRequest.of(NodeRequest.ATTACHMENTS)), StandardCharsets.UTF_8).strip();
            ChildProcess.Result nobody = ChildProcess.run(new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", "perl", "-e", PerlClient.SCRIPT, sock.toString(), list),
                    Duration.ofSeconds(30));
            assertThat(code(JSON.readTree(nobody.output()))).as(nobody.output()).isEqualTo(NodeError.FORBIDDEN);
            assertThat(nobody.output()).contains("the admin API is root's; uid 65534 may not use it");
            ChildProcess.Result root = ChildProcess.run(new ProcessBuilder("perl", "-e", PerlClient.SCRIPT, sock.toString(), list),
                    Duration.ofSeconds(30));
            assertThat(JSON.readTree(root.output()).path("ok").asBoolean()).as(root.output()).isTrue();
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(open);
        }
    }

    /** A client trickling a byte at a time is cut off at the read deadline, however often it sends. */
    @Test
    void aTricklingClientIsCutOffAtTheDeadline() throws Exception {
        try (SocketChannel slow = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            slow.connect(UnixDomainSocketAddress.of(socket));
            var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                // What arrives before the daemon closes; our bytes still in flight then may reset the connection.
                var got = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                try (var in = java.nio.channels.Channels.newInputStream(slow)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        got.write(buf, 0, n);
                    }
                } catch (java.io.IOException reset) {
                    // the answer, if any, is in got
                }
                return got.toByteArray();
            });
            // The attacker's pace: a byte every 100 ms, for six read windows, unless the daemon cuts it off first.
            long trickle = NodeServer.READ_TIMEOUT.multipliedBy(6).toMillis() / 100;
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            var pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                pace.scheduleAtFixedRate(() -> {
                    try {
                        if (sent.get() < trickle) {
                            slow.write(java.nio.ByteBuffer.wrap(new byte[] {' '}));
                            sent.incrementAndGet();
                        }
                    } catch (java.io.IOException closed) {
                        // cut off
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                await().atMost(NodeServer.READ_TIMEOUT.multipliedBy(6)).until(answer::isDone);
            } finally {
                pace.shutdownNow();
            }
            assertThat(sent.get()).as("cut off well before the trickle ended").isLessThan((int) trickle);
            assertThat(code(JSON.readTree(answer.get(30, TimeUnit.SECONDS)))).isEqualTo(NodeError.TOO_SLOW);
        }
    }

    /**
     * One pod cannot take the daemon: past its share of requests in flight it is told "try again"
     * (CNI code 11) at once, and another pod is still served meanwhile. Here "one pod" is this JVM's
     * namespace holding silent connections; the other pod is a client process in its own namespace.
     */
    @Test
    void onePodsFloodIsToldToTryAgainAndAnotherPodIsStillServed() throws Exception {
        List<SocketChannel> silent = new ArrayList<>();
        try {
            for (int i = 0; i < NodeServer.MAX_PER_POD; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(socket));
                silent.add(c);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> code(new NodeClient(socket).call(NodeRequest.of(NodeRequest.LIST)))
                    == CniError.TRY_AGAIN_LATER);
            String other = namespaces.create();
            assertThat(fromPod(other, "LIST", "", "", "").path("ok").asBoolean()).as("another pod").isTrue();
            assertThat(refusals).anyMatch(r -> r.contains("code=11") && r.contains("requests in flight already"));
        } finally {
            for (SocketChannel c : silent) {
                c.close();
            }
        }
    }

    /** A request that hangs in a plugin shows as stuck workers (for /healthz) until it ends. */
    @Test
    void aHangingPluginShowsAsStuckWorkers() throws Exception {
        RealPlugins.hang(tmp.resolve("bin"));
        Files.writeString(tmp.resolve("net.d/30-hangnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"hangnet\","
                + "\"plugins\":[{\"type\":\"hang\"}]}");
        String pod = namespaces.create();
        assertThat(server.stuck(Duration.ofMillis(100))).isEmpty();
        var add = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return fromPod(pod, "ADD", "", "vmi0", "uid-h", "hangnet");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path child = tmp.resolve("bin/hang.child");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(child) && server.stuck(Duration.ofMillis(100)).isPresent());
        assertThat(server.stuck(Duration.ofMillis(100))).get().asString().contains("a request has been served for");
        ProcessHandle.of(Long.parseLong(Files.readString(child).strip())).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(add.get(60, TimeUnit.SECONDS).path("ok").asBoolean()).as("the hang plugin's ADD gave no result").isFalse();
        assertThat(server.stuck(Duration.ofMillis(100))).isEmpty();
    }

    /**
     * 500 connections at once from 50 pods (10 each, more than a pod's share), none sending a byte:
     * the reader holds them, a pod's connections past its share are told "try again" at once, and a
     * legitimate pod is served meanwhile — a real ADD and DEL — because silent connections hold no
     * worker. When the flood ends, every descriptor it took is given back. (The read deadline is a
     * minute here so that the flood outlasts the test's own pace; the trickle test covers the deadline.)
     */
    @Test
    void fiveHundredSilentConnectionsFromFiftyPodsHoldNoWorker() throws Exception {
        int pods = 50;
        int each = 10;
        String flood = "use IO::Socket::UNIX; my @s; for (1..$ARGV[1]) { push @s, IO::Socket::UNIX->new(Type => SOCK_STREAM(), "
                + "Peer => $ARGV[0]) or die \"connect: $!\\n\"; } $| = 1; print \"connected\\n\"; <STDIN>;";
        Path sock = tmp.resolve("flood.sock");
        try (NodeServer daemon = new NodeServer(UnixServer.bind(sock, 0660), service, 4, Duration.ofMinutes(1)).start()) {
            String legit = namespaces.create();
            try (NetnsThread pod = NetnsThread.enter(path(legit))) {
                assertThat(PerlClient.call(pod, sock, PerlClient.request("ADD", "", "vmi0", "uid-l")).path("ok").asBoolean()).isTrue();
                assertThat(PerlClient.call(pod, sock, PerlClient.request("DEL", "", "vmi0", "uid-l")).path("ok").asBoolean()).isTrue();
                long descriptors = openDescriptors();
                List<Process> flooders = new ArrayList<>();
                try {
                    for (int i = 0; i < pods; i++) {
                        try (NetnsThread t = NetnsThread.enter(path(namespaces.create()))) {
                            flooders.add(t.call(new ProcessBuilder("perl", "-e", flood, sock.toString(), String.valueOf(each))
                                    .redirectErrorStream(true)::start));
                        }
                    }
                    for (Process p : flooders) {
                        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine())
                                .isEqualTo("connected");
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> daemon.reading() == pods * NodeServer.MAX_PER_POD);
                    assertThat(refusals.stream().filter(r -> r.contains("requests in flight already")).count())
                            .isEqualTo(pods * (each - NodeServer.MAX_PER_POD));

                    JsonNode add = PerlClient.call(pod, sock, PerlClient.request("ADD", "", "vmi0", "uid-l"));
                    assertThat(add.path("ok").asBoolean()).as(add.toString()).isTrue();
                    assertThat(PerlClient.call(pod, sock, PerlClient.request("DEL", "", "vmi0", "uid-l")).path("ok").asBoolean()).isTrue();
                    assertThat(daemon.reading()).as("the flood is still held").isEqualTo(pods * NodeServer.MAX_PER_POD);
                    assertThat(flooders).allMatch(Process::isAlive);
                } finally {
                    flooders.forEach(Process::destroyForcibly);
                }
                for (Process p : flooders) {
                    p.waitFor(30, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> daemon.reading() == 0 && openDescriptors() <= descriptors);
            }
        }
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
