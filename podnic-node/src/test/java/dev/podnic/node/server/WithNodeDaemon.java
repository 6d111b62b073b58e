package dev.podnic.node.server;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniRuntime;
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
import dev.podnic.node.api.NodeResponse;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.UnixServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
/**
 * For the daemon's integration tests: a node namespace running Debian's plugins (network
 * {@code podnet}: bridge + host-local), a real {@link NodeServer} on a socket in a temporary
 * directory, and clients started as processes inside pod namespaces, so that the kernel names the
 * caller. After each test no address may be left allocated and the ledger must be empty.
 */
abstract class WithNodeDaemon {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    TestNamespaces namespaces;
    NetnsThread nodeThread;
    ProcessPluginExec exec;
    NodeService service;
    NodeServer server;
    Path socket;
    final List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void machine() throws Exception {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
        TinyFilesystem.sweepLeftovers();
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
        service = new NodeService(cni, new ConfigDirectory(confDir, new ConfigParser()), "podnet", new Ledger(tmp.resolve("ledger")),
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

    List<HostLocalStore.Allocation> allocations() throws Exception {
        return new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations();
    }

    /** A client process living in {@code netnsName}, asking the daemon once. */
    JsonNode fromPod(String netnsName, String op, String netns, String ifName, String vmi) throws Exception {
        return fromPod(netnsName, op, netns, ifName, vmi, "");
    }

    JsonNode fromPod(String netnsName, String op, String netns, String ifName, String vmi, String network) throws Exception {
        return fromPod(socket, netnsName, op, netns, ifName, vmi, network);
    }

    /** The same, asking the daemon on {@code daemon}. */
    static JsonNode fromPod(Path daemon, String netnsName, String op, String netns, String ifName, String vmi, String network)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        try (NetnsThread t = NetnsThread.enter(path(netnsName))) {
            Process p = t.call(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    NodeClient.class.getName(), daemon.toString(), op, netns, ifName, vmi, network).redirectErrorStream(true)::start);
            String out = ChildProcess.await(p, Duration.ofSeconds(60), "client " + op).output();
            return JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        }
    }

    static int code(JsonNode r) {
        return r.path("error").path("code").asInt();
    }

    static int code(NodeResponse r) {
        return r.error().map(NodeError::code).orElse(0);
    }
}
