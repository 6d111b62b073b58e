package dev.podnic.cni;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigException;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.IpConfig;
import dev.podnic.cni.testing.NodeRuntime;
import dev.podnic.cni.testing.ProcessEnd;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.cni.version.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime against Debian's real plugins, run on a node namespace the test made ({@link NodeRuntime}). After every
 * test the host-local store must hold no allocation. (How the first plugin's input waits: {@link CniRuntimeGateIT}.)
 */
class CniRuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private NodeRuntime onNode;
    private TestNamespaces namespaces;
    private String node;
    private CniRuntime runtime;
    private Path ipamDir;
    private Path fakeBin;

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void node() throws Exception {
        onNode = new NodeRuntime(tmp);
        namespaces = onNode.namespaces();
        node = onNode.node();
        runtime = onNode.runtime();
        fakeBin = onNode.fakeBin();
        ipamDir = tmp.resolve("ipam");
    }

    @AfterEach
    void nothingLeaks() throws Exception {
        try {
            for (String net : List.of("podnet", "ptpnet")) {
                assertThat(new HostLocalStore(ipamDir, net).allocations()).as("host-local allocations of " + net).isEmpty();
            }
        } finally {
            onNode.close();
        }
    }

    private static NetworkConfigList net(String json) {
        return NodeRuntime.net(json);
    }

    private NetworkConfigList bridgeTuning(String version, String... extraPlugins) {
        String extra = extraPlugins.length == 0 ? "" : "," + String.join(",", extraPlugins);
        return net("{\"cniVersion\":\"" + version + "\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"pdnbr0\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + ipamDir + "\","
                + "\"ranges\":[[{\"subnet\":\"10.250.0.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}},"
                + "{\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"512\"}}" + extra + "]}");
    }

    private static RuntimeConf attach(String pod, String ifName) {
        return NodeRuntime.attach(pod, ifName);
    }

    /** The IPv4 addresses on an interface inside a namespace, as "a.b.c.d/len". */
    private static List<String> addresses(String ns, String ifName) throws Exception {
        JsonNode links = JSON.readTree(ip("-n", ns, "-j", "addr", "show", "dev", ifName));
        List<String> out = new ArrayList<>();
        for (JsonNode a : links.get(0).get("addr_info")) {
            if (a.get("family").asText().equals("inet")) {
                out.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
            }
        }
        return out;
    }

    private static String address(CniResult r) {
        return r.ips().stream().filter(IpConfig::isIpv4).findFirst().orElseThrow().address().toString();
    }

    @Test
    void twoVmiInterfacesInOnePodGetTheirOwnAddressesAndAreCheckedAndDeleted() throws Exception {
        String pod = namespaces.create();
        NetworkConfigList net = bridgeTuning("1.0.0");

        CniResult vmi0 = runtime.add(net, attach(pod, "vmi0"));
        CniResult vmi1 = runtime.add(net, attach(pod, "vmi1"));

        assertThat(address(vmi0)).isNotEqualTo(address(vmi1));
        assertThat(addresses(pod, "vmi0")).containsExactly(address(vmi0));
        assertThat(addresses(pod, "vmi1")).containsExactly(address(vmi1));
        assertThat(vmi0.ips().get(0).gateway().getHostAddress()).isEqualTo("10.250.0.1");
        assertThat(new HostLocalStore(ipamDir, "podnet").allocations()).extracting(HostLocalStore.Allocation::ifName)
                .containsExactlyInAnyOrder("vmi0", "vmi1");

        assertThat(runtime.check(net, attach(pod, "vmi0"))).containsExactly("bridge", "tuning");
        assertThat(runtime.check(net, attach(pod, "vmi1"))).containsExactly("bridge", "tuning");

        runtime.del(net, attach(pod, "vmi0"));
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
        assertThat(TestNamespaces.linkExists(pod, "vmi1")).isTrue();
        runtime.del(net, attach(pod, "vmi1"));
        runtime.del(net, attach(pod, "vmi1")); // twice: still fine
        assertThat(TestNamespaces.linkExists(pod, "vmi1")).isFalse();
        assertThat(runtime.cachedAttachments(null)).isEmpty();
    }

    /** Another attachment's interface name: refused before any plugin runs; the holder keeps interface and address. */
    @Test
    void anAddForANameTheSandboxHoldsNeverDeletesTheHoldersInterface() throws Exception {
        String pod = namespaces.create();
        NetworkConfigList net = bridgeTuning("1.0.0");
        CniResult holder = runtime.add(net, attach(pod, "vmi0"));
        RuntimeConf other = RuntimeConf.of("vmi-other", path(pod).toString(), "vmi0");
        assertThatThrownBy(() -> runtime.add(net, other)).isInstanceOf(CniException.class)
                .hasMessageContaining("interface vmi0 exists in " + path(pod)).hasMessageContaining("nothing was run or changed");
        assertThat(addresses(pod, "vmi0")).containsExactly(address(holder));
        assertThat(new HostLocalStore(ipamDir, "podnet").allocations()).singleElement()
                .extracting(HostLocalStore.Allocation::containerId).isEqualTo(attach(pod, "vmi0").containerId());
        assertThat(runtime.cachedAttachments("podnet")).hasSize(1);
        runtime.del(net, attach(pod, "vmi0"));
    }

    @Test
    void checkFailsWhenTheInterfaceWasTamperedWith() {
        String pod = namespaces.create();
        NetworkConfigList net = bridgeTuning("1.0.0");
        runtime.add(net, attach(pod, "vmi0"));
        ip("-n", pod, "addr", "flush", "dev", "vmi0");
        assertThatThrownBy(() -> runtime.check(net, attach(pod, "vmi0"))).isInstanceOf(PluginErrorException.class)
                .hasMessageContaining("bridge");
        runtime.del(net, attach(pod, "vmi0"));
    }

    @Test
    void delAfterThePodNamespaceIsGoneStillFreesTheAddress() throws Exception {
        String pod = namespaces.create();
        NetworkConfigList net = bridgeTuning("1.0.0");
        RuntimeConf rt = attach(pod, "vmi0");
        runtime.add(net, rt);
        namespaces.delete(pod);

        runtime.del(net, rt);
        assertThat(new HostLocalStore(ipamDir, "podnet").allocations()).isEmpty();
        assertThat(runtime.cachedAttachments("podnet")).isEmpty();
    }

    @Test
    void a110NetworkWorksWithPluginsThatStopAt100() {
        String pod = namespaces.create();
        NetworkConfigList net = bridgeTuning("1.1.0");
        assertThat(runtime.versions("bridge").supports(SpecVersion.V1_1_0)).isFalse();
        CniResult r = runtime.add(net, attach(pod, "vmi0"));
        assertThat(r.version()).isEqualTo(SpecVersion.V1_1_0);
        assertThat(runtime.status(net).plugins()).allMatch(p -> p.state() == StatusReport.State.NOT_SUPPORTED);
        runtime.del(net, attach(pod, "vmi0"));
    }

    @Test
    void twentyParallelAddsGetTwentyDistinctAddresses() throws Exception {
        NetworkConfigList net = bridgeTuning("1.0.0");
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pods.add(namespaces.create());
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<CniResult>> adds = new ArrayList<>();
            for (String pod : pods) {
                adds.add(pool.submit(() -> runtime.add(net, attach(pod, "vmi0"))));
            }
            Set<String> ips = new java.util.HashSet<>();
            for (Future<CniResult> f : adds) {
                ips.add(address(f.get()));
            }
            assertThat(ips).hasSize(20);
            assertThat(new HostLocalStore(ipamDir, "podnet").allocations()).hasSize(20);

            List<Future<?>> dels = new ArrayList<>();
            for (String pod : pods) {
                dels.add(pool.submit(() -> runtime.del(net, attach(pod, "vmi0"))));
            }
            for (Future<?> f : dels) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ptpGivesAnAddressAndRoutesAndDeletesCleanly() throws Exception {
        String pod = namespaces.create();
        NetworkConfigList net = net("{\"cniVersion\":\"0.4.0\",\"name\":\"ptpnet\",\"plugins\":[{\"type\":\"ptp\","
                + "\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + ipamDir + "\","
                + "\"ranges\":[[{\"subnet\":\"10.251.0.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}");
        CniResult r = runtime.add(net, attach(pod, "vmi0"));
        assertThat(r.version()).isEqualTo(SpecVersion.V0_4_0);
        assertThat(addresses(pod, "vmi0")).containsExactly(address(r));
        assertThat(ip("-n", pod, "route", "show")).contains("default via 10.251.0.1 dev vmi0");
        runtime.check(net, attach(pod, "vmi0"));
        runtime.del(net, attach(pod, "vmi0"));
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
    }

    @Test
    void loopbackBringsLoUpAsASingleConf() {
        String pod = namespaces.create();
        ip("-n", pod, "link", "set", "lo", "down");
        NetworkConfigList net = net("{\"cniVersion\":\"1.0.0\",\"name\":\"lo\",\"type\":\"loopback\"}");
        CniResult r = runtime.add(net, attach(pod, "lo"));
        assertThat(r.interfaces()).extracting(i -> i.name()).contains("lo");
        assertThat(ip("-n", pod, "-o", "link", "show", "lo")).contains("UP");
        runtime.del(net, attach(pod, "lo"));
    }

    @Test
    void gcDeletesEveryCachedAttachmentThatIsNotValid() throws Exception {
        NetworkConfigList net = bridgeTuning("1.0.0");
        List<String> pods = List.of(namespaces.create(), namespaces.create(), namespaces.create());
        for (String pod : pods) {
            runtime.add(net, attach(pod, "vmi0"));
        }
        GcReport report = runtime.gc(net, Set.of(new Attachment("vmi-" + pods.get(1), "vmi0")));
        assertThat(report.errors()).isEmpty();
        assertThat(report.deleted()).hasSize(2);
        assertThat(report.pluginsSkipped()).containsExactly("bridge", "tuning");
        assertThat(new HostLocalStore(ipamDir, "podnet").allocations()).extracting(HostLocalStore.Allocation::containerId)
                .containsExactly("vmi-" + pods.get(1));
        runtime.del(net, attach(pods.get(1), "vmi0"));
    }

    // --- bad input: a clear error, and nothing allocated afterwards (checked in @AfterEach) ---

    @Test
    void malformedConfigFileNamesTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(dir.resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[");
        assertThatThrownBy(() -> new ConfigDirectory(dir, new ConfigParser()).load("podnet"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("10-podnet.conflist");
    }

    @Test
    void unknownPluginTypeRunsNothing() {
        String pod = namespaces.create();
        assertThatThrownBy(() -> runtime.add(bridgeTuning("1.0.0", "{\"type\":\"nosuch\"}"), attach(pod, "vmi0")))
                .isInstanceOf(PluginExecException.class).hasMessageContaining("plugin \"nosuch\" not found");
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
    }

    @Test
    void missingNetnsIsRefused() {
        assertThatThrownBy(() -> runtime.add(bridgeTuning("1.0.0"), RuntimeConf.of("vmi-x", "/run/netns/pdnt-absent", "vmi0")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void unsupportedVersionsAreRefused() throws Exception {
        String pod = namespaces.create();
        assertThatThrownBy(() -> bridgeTuning("2.0.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unsupported version \"2.0.0\"");
        RealPlugins.futureOnly(fakeBin);
        assertThatThrownBy(() -> runtime.add(bridgeTuning("1.0.0", "{\"type\":\"future\"}"), attach(pod, "vmi0")))
                .isInstanceOfSatisfying(PluginExecException.class, e -> assertThat(e.error().code()).isEqualTo(1));
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
    }

    @Test
    void pluginPrintingGarbageIsUndoneCompletely() throws Exception {
        String pod = namespaces.create();
        RealPlugins.garbage(fakeBin);
        assertThatThrownBy(() -> runtime.add(bridgeTuning("1.0.0", "{\"type\":\"garbage\"}"), attach(pod, "vmi0")))
                .isInstanceOfSatisfying(PluginExecException.class,
                        e -> assertThat(e.reason()).isEqualTo(PluginExecException.Reason.UNPARSEABLE_OUTPUT))
                .hasMessageContaining("this is not JSON");
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
        assertThat(ip("-n", node, "-o", "link", "show")).doesNotContain("veth");
    }

    @Test
    void hungPluginIsKilledWithItsChildrenAndUndone() throws Exception {
        String pod = namespaces.create();
        RealPlugins.hang(fakeBin);
        long start = System.nanoTime();
        assertThatThrownBy(() -> runtime.add(bridgeTuning("1.0.0", "{\"type\":\"hang\"}"), attach(pod, "vmi0")))
                .isInstanceOfSatisfying(PluginExecException.class,
                        e -> assertThat(e.reason()).isEqualTo(PluginExecException.Reason.TIMED_OUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30)); // not 600 s
        long child = Long.parseLong(Files.readString(fakeBin.resolve("hang.child")).strip());
        assertThat(ProcessEnd.soon(child)).as("the plugin's child process " + child + " was killed").isTrue();
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).isFalse();
    }
}
