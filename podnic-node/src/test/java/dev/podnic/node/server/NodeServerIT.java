package dev.podnic.node.server;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.cache.ResultCache;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.api.NodeClient;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeResponse;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.NetnsIdentity;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
/**
 * The node daemon with real plugins in a node namespace; clients are processes started inside
 * pod namespaces, so the daemon learns who they are from the kernel exactly as in a cluster.
 */
class NodeServerIT extends WithNodeDaemon {
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
                    .contains("podnic_attachments 0")
                    // the plugins ran for one ADD (the second found it attached) and one DEL (the second found nothing)
                    .contains("podnic_plugins_seconds_count{op=\"ADD\"} 1").contains("podnic_plugins_seconds_count{op=\"DEL\"} 1");
            assertThat(seconds(metrics, "podnic_plugins_seconds_sum{op=\"ADD\"}")).as("the plugins are part of the request")
                    .isPositive().isLessThan(seconds(metrics, "podnic_requests_seconds_sum{op=\"ADD\",outcome=\"ok\"}"));
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + service.metrics().port() + "/healthz")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("ok\n");
        } finally {
            service.metrics().close();
        }
    }

    private static double seconds(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in the metrics"));
    }

    /**
     * A launcher asks for an interface name its pod holds already, under another VM's identity: refused
     * before any plugin runs, and the clean-up of that failed ADD deletes nothing — the existing
     * interface, its address and its ledger entry stay as they were.
     */
    @Test
    void anAddForANameThePodHoldsIsRefusedAndTouchesNothingOfTheHolder() throws Exception {
        String pod = namespaces.create();
        assertThat(fromPod(pod, "ADD", path(pod).toString(), "vmi0", "uid-1").path("ok").asBoolean()).isTrue();
        String links = TestNamespaces.ip("-n", pod, "-o", "addr", "show", "dev", "vmi0");
        var allocations = allocations();
        var ledger = service.attachments();

        JsonNode other = fromPod(pod, "ADD", path(pod).toString(), "vmi0", "uid-2");
        assertThat(other.path("ok").asBoolean()).as(other.toString()).isFalse();
        assertThat(code(other)).isEqualTo(4); // CNI's "invalid environment": CNI_IFNAME
        assertThat(other.path("error").path("msg").asText()).contains("interface vmi0 exists").contains("nothing was run or changed");

        assertThat(TestNamespaces.ip("-n", pod, "-o", "addr", "show", "dev", "vmi0")).isEqualTo(links);
        assertThat(allocations()).isEqualTo(allocations);
        assertThat(service.attachments()).isEqualTo(ledger);
        assertThat(fromPod(pod, "DEL", path(pod).toString(), "vmi0", "uid-1").path("ok").asBoolean()).isTrue();
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
     * kill -9 of the daemon in each ledger state, then a restart: what a crash interrupted (ADDING before its chain
     * was cached: the plugins may have run; DELETING: some of them did) is undone at start-up; an ADDING entry whose
     * chain was cached was made (a launcher's ADD is answered before its ADDED record is written) and is recorded so;
     * an attachment whose pod still lives is kept, one whose pod is gone is freed.
     */
    @ParameterizedTest(name = "{0}, chain cached: {1}, pod gone: {2} -> {3}")
    @CsvSource({"ADDING, false, false, freed", "ADDING, true, false, kept", "ADDING, true, true, freed", "DELETING, true, false, freed",
            "ADDED, true, false, kept", "ADDED, true, true, freed"})
    void afterACrashInEachLedgerStateStartUpFreesWhatNobodyWillFree(LedgerEntry.State state, boolean cached, boolean podGone,
                                                                    String outcome) throws Exception {
        String pod = namespaces.create();
        NetnsIdentity id = NetnsIdentity.of(path(pod));
        String cid = NodeService.containerId(id, "uid-1");
        // The plugins ran (the interface and the IP exist) and the daemon died with the entry in this state:
        new Ledger(tmp.resolve("ledger")).put(new LedgerEntry(cid, "vmi0", "podnet", "uid-1", path(pod).toString(), id.dev(), id.ino(),
                state, 0, 0, JSON.readTree(Files.readString(tmp.resolve("net.d/10-podnet.conflist"))), null, null));
        try (ProcessPluginExec e = new ProcessPluginExec(nodeThread)) {
            new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache"), Duration.ofSeconds(30), e)
                    .add(new ConfigParser().parseList(Files.readAllBytes(tmp.resolve("net.d/10-podnet.conflist")), "t"),
                            RuntimeConf.of(cid, path(pod).toString(), "vmi0"));
        }
        if (!cached) { // killed after the plugins, before the runtime cached the chain's result
            new ResultCache(tmp.resolve("cache")).remove("podnet", cid, "vmi0");
        }
        assertThat(allocations()).hasSize(1);
        if (podGone) {
            namespaces.delete(pod);
        }

        GcPass startUp = service.collectGarbage(true);
        assertThat(startUp.failures()).isEmpty();
        if (outcome.equals("kept")) {
            assertThat(startUp.freed()).isEmpty();
            assertThat(service.attachments()).singleElement().satisfies(e -> {
                assertThat(e.state()).isEqualTo(LedgerEntry.State.ADDED);
                if (state == LedgerEntry.State.ADDING) {
                    assertThat(e.result().path("ips")).as("the chain's result, from the cache").hasSize(1);
                }
            });
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

        // What arrived with the connection is taken as it is accepted; the rest of the request, sent after it, by the reader.
        try (SocketChannel halting = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            halting.connect(UnixDomainSocketAddress.of(socket));
            byte[] list = NodeWire.request(NodeRequest.of(NodeRequest.LIST));
            halting.write(java.nio.ByteBuffer.wrap(list, 0, list.length / 2));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.reading() == 1);
            halting.write(java.nio.ByteBuffer.wrap(list, list.length / 2, list.length - list.length / 2));
            JsonNode answer = JSON.readTree(java.nio.channels.Channels.newInputStream(halting).readAllBytes());
            assertThat(answer.path("ok").asBoolean()).as(answer.toString()).isTrue();
        }

        try (SocketChannel slow = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            slow.connect(UnixDomainSocketAddress.of(socket)); // says nothing
            NodeResponse meanwhile = client.call(NodeRequest.of(NodeRequest.LIST));
            assertThat(meanwhile.ok()).isTrue();
            byte[] answer = java.nio.channels.Channels.newInputStream(slow).readAllBytes();
            assertThat(code(JSON.readTree(answer))).isEqualTo(NodeError.TOO_SLOW);
        }
    }
}
