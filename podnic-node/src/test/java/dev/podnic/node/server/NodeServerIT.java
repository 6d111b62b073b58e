package dev.podnic.node.server;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.api.NodeClient;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeResponse;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.NetnsIdentity;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The node daemon with real plugins in a node namespace; clients are processes started inside
 * pod namespaces, so the daemon learns who they are from the kernel exactly as in a cluster.
 */
class NodeServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private NetnsThread nodeThread;
    private ProcessPluginExec exec;
    private NodeService service;
    private NodeServer server;
    private Path socket;
    private final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void daemon() throws Exception {
        namespaces = new TestNamespaces();
        nodeThread = NetnsThread.enter(path(namespaces.create()));
        exec = new ProcessPluginExec(nodeThread);
        Path confDir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(confDir.resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.253.4.0/24\"}]]}}]}");
        CniRuntime cni = new CniRuntime(List.of(Files.createDirectories(tmp.resolve("bin")), Path.of(RealPlugins.DIR)),
                tmp.resolve("cache"), Duration.ofSeconds(30), exec);
        service = new NodeService(cni, new ConfigDirectory(confDir, new ConfigParser(JSON)), "podnet", new Ledger(tmp.resolve("ledger")),
                NodeService.DEFAULT_NETNS_DIR, new Limits(Limits.DEFAULT_MAX_INTERFACES_PER_POD, Set.of("podnet", "swapnet", "hangnet")), refusals::add);
        socket = tmp.resolve("node.sock");
        server = new NodeServer(UnixServer.bind(socket, 0660), service, 16).start();
    }

    @AfterEach
    void nothingLeaks() throws Exception {
        try {
            assertThat(allocations()).isEmpty();
            assertThat(service.attachments()).isEmpty();
        } finally {
            server.close();
            exec.close();
            nodeThread.close();
            namespaces.close();
        }
    }

    private List<HostLocalStore.Allocation> allocations() throws Exception {
        return new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations();
    }

    /** A client process living in {@code netnsName}, asking the daemon once. */
    private JsonNode fromPod(String netnsName, String op, String netns, String ifName, String vmi) throws Exception {
        return fromPod(netnsName, op, netns, ifName, vmi, "");
    }

    private JsonNode fromPod(String netnsName, String op, String netns, String ifName, String vmi, String network) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        try (NetnsThread t = NetnsThread.enter(path(netnsName))) {
            Process p = t.call(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    NodeClient.class.getName(), socket.toString(), op, netns, ifName, vmi, network).redirectErrorStream(true)::start);
            String out = ChildProcess.await(p, Duration.ofSeconds(60), "client " + op).output();
            return JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        }
    }

    private static int code(JsonNode r) {
        return r.path("error").path("code").asInt();
    }

    private static int code(NodeResponse r) {
        return r.error().map(NodeError::code).orElse(0);
    }

    @Test
    void aPodAddsAndDeletesItsVmiInterfacesIdempotently() throws Exception {
        String pod = namespaces.create();
        JsonNode add = fromPod(pod, "ADD", path(pod).toString(), "vmi0", "uid-1");
        assertThat(add.path("ok").asBoolean()).as(add.toString()).isTrue();
        String ip = add.path("result").path("ips").get(0).path("address").asText();
        assertThat(TestNamespaces.ip("-n", pod, "-o", "addr", "show", "dev", "vmi0")).contains(ip);

        JsonNode again = fromPod(pod, "ADD", path(pod).toString(), "vmi0", "uid-1");
        assertThat(again.path("result").path("ips").get(0).path("address").asText()).isEqualTo(ip);
        assertThat(allocations()).hasSize(1);
        assertThat(service.attachments()).singleElement().extracting(LedgerEntry::state).isEqualTo(LedgerEntry.State.ADDED);
        assertThat(fromPod(pod, "LIST", "", "", "").path("attachments")).hasSize(1);

        assertThat(fromPod(pod, "DEL", path(pod).toString(), "vmi0", "uid-1").path("ok").asBoolean()).isTrue();
        assertThat(fromPod(pod, "DEL", path(pod).toString(), "vmi0", "uid-1").path("ok").asBoolean()).isTrue();

        service.metrics().serve(new java.net.InetSocketAddress("127.0.0.1", 0), () -> service.problem(java.time.Duration.ofSeconds(60)));
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + service.metrics().port() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("podnic_requests_seconds_count{op=\"ADD\",outcome=\"ok\"} 2")
                    .contains("podnic_requests_seconds_count{op=\"DEL\",outcome=\"ok\"} 2")
                    .contains("podnic_attachments 0");
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + service.metrics().port() + "/healthz")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("ok\n");
        } finally {
            service.metrics().close();
        }
    }

    @Test
    void noPodTouchesAnotherOrItsOwnEth0() throws Exception {
        String a = namespaces.create();
        String b = namespaces.create();
        assertThat(fromPod(b, "ADD", path(b).toString(), "vmi0", "uid-b").path("ok").asBoolean()).isTrue();
        String bLinks = TestNamespaces.ip("-n", b, "-o", "link", "show");
        var bAllocations = allocations();

        JsonNode other = fromPod(a, "ADD", path(b).toString(), "vmi1", "uid-a");
        assertThat(code(other)).isEqualTo(NodeError.FORBIDDEN);
        assertThat(other.path("error").path("msg").asText()).contains("is not the caller's network namespace");
        assertThat(code(fromPod(a, "DEL", path(b).toString(), "vmi0", "uid-b"))).isEqualTo(NodeError.FORBIDDEN);
        assertThat(code(fromPod(a, "DEL", path(a).toString(), "eth0", "uid-a"))).isEqualTo(NodeError.FORBIDDEN);
        // Naming B's VM from A's own namespace reaches a different attachment: nothing of B's is freed.
        assertThat(fromPod(a, "DEL", path(a).toString(), "vmi0", "uid-b").path("ok").asBoolean()).isTrue();

        assertThat(TestNamespaces.ip("-n", b, "-o", "link", "show")).isEqualTo(bLinks);
        assertThat(allocations()).isEqualTo(bAllocations);
        assertThat(TestNamespaces.ip("-n", a, "-o", "link", "show")).doesNotContain("vmi");
        assertThat(fromPod(b, "DEL", path(b).toString(), "vmi0", "uid-b").path("ok").asBoolean()).isTrue();
    }

    @Test
    void fiftyPodsWithTwoVmiInterfacesEachConcurrently() throws Exception {
        int pods = 50;
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < pods; i++) {
            names.add(namespaces.create());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(pods);
        try {
            List<java.util.concurrent.Future<List<String>>> adds = new java.util.ArrayList<>();
            for (String pod : names) {
                adds.add(pool.submit(() -> {
                    try (NetnsThread t = NetnsThread.enter(path(pod))) {
                        List<String> ips = new java.util.ArrayList<>();
                        for (String ifName : List.of("vmi0", "vmi1")) {
                            JsonNode r = PerlClient.call(t, socket, PerlClient.request("ADD", path(pod).toString(), ifName, "uid-" + pod));
                            assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
                            ips.add(r.path("result").path("ips").get(0).path("address").asText());
                        }
                        return ips;
                    }
                }));
            }
            java.util.Set<String> all = new java.util.HashSet<>();
            for (var f : adds) {
                all.addAll(f.get(300, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(2 * pods);
            assertThat(allocations()).hasSize(2 * pods);

            List<java.util.concurrent.Future<?>> dels = new java.util.ArrayList<>();
            for (String pod : names) {
                dels.add(pool.submit(() -> {
                    try (NetnsThread t = NetnsThread.enter(path(pod))) {
                        for (String ifName : List.of("vmi0", "vmi1")) {
                            assertThat(PerlClient.call(t, socket, PerlClient.request("DEL", path(pod).toString(), ifName, "uid-" + pod))
                                    .path("ok").asBoolean()).isTrue();
                        }
                    }
                    return null;
                }));
            }
            for (var f : dels) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPodThatVanishedWithoutDelIsCollected() throws Exception {
        String pod = namespaces.create();
        assertThat(fromPod(pod, "ADD", path(pod).toString(), "vmi0", "uid-1").path("ok").asBoolean()).isTrue();
        assertThat(fromPod(pod, "ADD", path(pod).toString(), "vmi1", "uid-1").path("ok").asBoolean()).isTrue();
        assertThat(allocations()).hasSize(2);
        namespaces.delete(pod); // the pod is gone; nobody will call DEL

        assertThat(service.collectGarbage(false).freed()).hasSize(2);
        assertThat(allocations()).isEmpty();
        assertThat(service.collectGarbage(false).freed()).isEmpty();
    }

    /**
     * kill -9 of the daemon in each ledger state, then a restart: what a crash interrupted (ADDING:
     * the plugins may have run; DELETING: some of them did) is undone at start-up, an attachment
     * whose pod still lives is kept, one whose pod is gone is freed.
     */
    @ParameterizedTest(name = "{0}, pod gone: {1} -> {2}")
    @CsvSource({"ADDING, false, freed", "DELETING, false, freed", "ADDED, false, kept", "ADDED, true, freed"})
    void afterACrashInEachLedgerStateStartUpFreesWhatNobodyWillFree(LedgerEntry.State state, boolean podGone, String outcome)
            throws Exception {
        String pod = namespaces.create();
        NetnsIdentity id = NetnsIdentity.of(path(pod));
        String cid = NodeService.containerId(id, "uid-1");
        // The plugins ran (the interface and the IP exist) and the daemon died with the entry in this state:
        new Ledger(tmp.resolve("ledger")).put(new LedgerEntry(cid, "vmi0", "podnet", "uid-1", path(pod).toString(), id.dev(), id.ino(),
                state, 0, 0, JSON.readTree(Files.readString(tmp.resolve("net.d/10-podnet.conflist"))), null, null));
        try (ProcessPluginExec e = new ProcessPluginExec(nodeThread)) {
            new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache"), Duration.ofSeconds(30), e)
                    .add(new ConfigParser(JSON).parseList(Files.readAllBytes(tmp.resolve("net.d/10-podnet.conflist")), "t"),
                            RuntimeConf.of(cid, path(pod).toString(), "vmi0"));
        }
        assertThat(allocations()).hasSize(1);
        if (podGone) {
            namespaces.delete(pod);
        }

        GcPass startUp = service.collectGarbage(true);
        assertThat(startUp.failures()).isEmpty();
        if (outcome.equals("kept")) {
            assertThat(startUp.freed()).isEmpty();
            assertThat(allocations()).hasSize(1);
            assertThat(fromPod(pod, "DEL", "", "vmi0", "uid-1").path("ok").asBoolean()).as("the launcher's DEL still works").isTrue();
        } else {
            assertThat(startUp.freed()).hasSize(1);
        }
        assertThat(allocations()).isEmpty();
        if (!podGone) {
            assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi0");
        }
    }

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

    @Test
    void malformedOversizedAndSlowRequestsGetAnErrorAndOthersAreStillServed() throws Exception {
        NodeClient client = new NodeClient(socket);
        assertThat(code(client.raw("{not json\n"))).isEqualTo(NodeError.MALFORMED);
        assertThat(code(client.raw("[1,2]\n"))).isEqualTo(NodeError.MALFORMED);
        assertThat(code(client.raw("{\"apiVersion\":\"v0\",\"op\":\"ADD\"}\n"))).isEqualTo(NodeError.MALFORMED);
        assertThat(code(client.raw("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"ADD\",\"ifName\":\"vmi0\",\"vmi\":\"x\"")))
                .as("truncated").isEqualTo(NodeError.MALFORMED);
        assertThat(code(client.raw("x".repeat(NodeServer.MAX_REQUEST + 10)))).isEqualTo(NodeError.TOO_LARGE);
        assertThat(code(client.raw("x".repeat(10 * 1024 * 1024)))).as("10 MB: refused after 64 KiB, not read to the end")
                .isEqualTo(NodeError.TOO_LARGE);

        try (SocketChannel slow = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            slow.connect(UnixDomainSocketAddress.of(socket)); // says nothing
            NodeResponse meanwhile = client.call(NodeRequest.of(NodeRequest.LIST));
            assertThat(meanwhile.ok()).isTrue();
            byte[] answer = java.nio.channels.Channels.newInputStream(slow).readAllBytes();
            assertThat(code(JSON.readTree(answer))).isEqualTo(NodeError.TOO_SLOW);
        }
    }
}
