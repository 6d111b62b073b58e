package dev.podnic.cni;

import static dev.podnic.cni.testing.RecordingPluginExec.fail;
import static dev.podnic.cni.testing.RecordingPluginExec.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.RecordingPluginExec;
import dev.podnic.cni.version.SpecVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] UP_TO_100 = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"};
    private static final String BRIDGE_RESULT = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\"},"
            + "{\"name\":\"vmi0\",\"sandbox\":\"/run/netns/p\"}],\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/24\","
            + "\"gateway\":\"10.1.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}"; // as the plugin prints it

    @TempDir
    Path cacheDir;

    private final RecordingPluginExec exec = new RecordingPluginExec()
            .plugin("bridge", UP_TO_100)
            .plugin("tuning", UP_TO_100)
            .on("bridge", "ADD", c -> ok(BRIDGE_RESULT))
            .on("tuning", "ADD", c -> ok(c.stdin().get("prevResult").toString()));

    private CniRuntime runtime() {
        return new CniRuntime(List.of(Path.of("/elsewhere"), RecordingPluginExec.BIN), cacheDir, Duration.ofSeconds(5), exec);
    }

    private static NetworkConfigList network(String version, String... plugins) {
        String json = "{\"cniVersion\":\"" + version + "\",\"name\":\"podnet\",\"plugins\":[" + String.join(",", plugins) + "]}";
        return new ConfigParser().parseList(json.getBytes(StandardCharsets.UTF_8), "test.conflist");
    }

    private static NetworkConfigList bridgeTuning(String version) {
        return network(version, "{\"type\":\"bridge\",\"bridge\":\"cni0\",\"capabilities\":{\"mac\":true}}",
                "{\"type\":\"tuning\"}");
    }

    /** Stands in for a pod's namespace file: the runtime only checks that it exists. */
    @TempDir
    Path netnsDir;
    private String netns;
    private RuntimeConf attach;

    @BeforeEach
    void pod() throws Exception {
        netns = Files.createFile(netnsDir.resolve("p")).toString();
        attach = new RuntimeConf("vmi-1", netns, "vmi0", List.of(Map.entry("K8S_POD_NAME", "virt-launcher")),
                Map.of("mac", JSON.getNodeFactory().textNode("02:00:00:00:00:07"), "portMappings", JSON.createArrayNode()));
    }

    @Test
    void addRunsTheChainInOrderInjectingNameVersionPrevResultAndCapabilities() {
        CniResult r = runtime().add(bridgeTuning("1.0.0"), attach);

        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning ADD");
        var bridge = exec.last("bridge", "ADD");
        assertThat(bridge.stdin().get("name").asText()).isEqualTo("podnet");
        assertThat(bridge.stdin().get("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(bridge.stdin().has("prevResult")).isFalse();
        assertThat(bridge.stdin().get("runtimeConfig").toString()).isEqualTo("{\"mac\":\"02:00:00:00:00:07\"}");
        assertThat(bridge.env()).containsEntry("CNI_COMMAND", "ADD").containsEntry("CNI_CONTAINERID", "vmi-1")
                .containsEntry("CNI_NETNS", netns).containsEntry("CNI_IFNAME", "vmi0")
                .containsEntry("CNI_ARGS", "K8S_POD_NAME=virt-launcher")
                .containsEntry("CNI_PATH", "/elsewhere:" + RecordingPluginExec.BIN);
        var tuning = exec.last("tuning", "ADD");
        assertThat(tuning.stdin().get("prevResult").toString()).isEqualTo(BRIDGE_RESULT);
        assertThat(tuning.stdin().has("runtimeConfig")).isFalse();

        assertThat(r.version()).isEqualTo(SpecVersion.V1_0_0);
        assertThat(r.ips().get(0).address().toString()).isEqualTo("10.1.0.5/24");
        assertThat(Files.exists(cacheDir.resolve("results/podnet-vmi-1-vmi0"))).isTrue();
    }

    @Test
    void theSandboxIsLookedAtWhileWhatComesFirstIsUnderWayAndATakenNameRunsNoPlugin() throws Exception {
        java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> present = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SandboxLinks links = (ns, ifName) -> {
            looked.countDown();
            return present.contains(ifName);
        };
        CniRuntime runtime = new CniRuntime(List.of(RecordingPluginExec.BIN), cacheDir, Duration.ofSeconds(5), exec, links);
        java.util.concurrent.ExecutorService looking = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // What comes first (the daemon's ledger entry) completes only once the sandbox was looked at: in turn, never.
            java.util.concurrent.CompletableFuture<Void> first = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    assertThat(looked.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("looked at meanwhile").isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            CniRuntime.Added added = runtime.addTimed(bridgeTuning("1.0.0"), attach, first, looking);
            assertThat(added.result().ips()).hasSize(1);
            assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning ADD");

            present.add("vmi1");
            RuntimeConf taken = new RuntimeConf("vmi-2", netns, "vmi1", List.of(), Map.of());
            assertThatThrownBy(() -> runtime.addTimed(bridgeTuning("1.0.0"), taken,
                    java.util.concurrent.CompletableFuture.completedFuture(null), looking)).isInstanceOf(CniException.class)
                    .hasMessageContaining("interface vmi1 exists in " + netns);
            assertThat(exec.sequence()).as("no plugin more").hasSize(2);
        } finally {
            looking.shutdownNow();
        }
    }

    @Test
    void negotiatesDownAndConvertsBackToTheNetworkVersion() {
        exec.plugin("old", "0.3.0", "0.3.1", "0.4.0").on("old", "ADD", c -> ok(c.stdin().get("prevResult").toString()));
        CniResult r = runtime().add(network("1.1.0", "{\"type\":\"bridge\"}", "{\"type\":\"old\"}"), attach);

        assertThat(exec.last("bridge", "ADD").stdin().get("cniVersion").asText()).isEqualTo("1.0.0");
        var old = exec.last("old", "ADD").stdin();
        assertThat(old.get("cniVersion").asText()).isEqualTo("0.4.0");
        assertThat(old.get("prevResult").get("cniVersion").asText()).isEqualTo("0.4.0");
        assertThat(old.get("prevResult").get("ips").get(0).get("version").asText()).isEqualTo("4");
        assertThat(r.version()).isEqualTo(SpecVersion.V1_1_0);
        assertThat(r.interfaces()).hasSize(2);
    }

    @Test
    void incompatiblePluginIsRefusedBeforeAnythingRuns() {
        exec.plugin("future", "1.1.0");
        assertThatThrownBy(() -> runtime().add(network("0.4.0", "{\"type\":\"future\"}"), attach))
                .isInstanceOfSatisfying(PluginExecException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PluginExecException.Reason.INCOMPATIBLE_VERSION);
                    assertThat(e.error().code()).isEqualTo(1);
                })
                .hasMessageContaining("supports CNI versions [1.1.0]");
        assertThat(exec.sequence()).doesNotContain("future ADD");
    }

    @Test
    void legacyPluginWithoutVersionCommandSpeaks010() {
        exec.plugin("ancient", "0.1.0").on("ancient", "VERSION", c -> fail(1, "", "unknown CNI_COMMAND: VERSION"))
                .on("ancient", "ADD", c -> ok("{\"ip4\":{\"ip\":\"10.9.0.2/16\"}}"));
        CniResult r = runtime().add(network("0.3.1", "{\"type\":\"ancient\"}"), attach);
        assertThat(exec.last("ancient", "ADD").stdin().get("cniVersion").asText()).isEqualTo("0.1.0");
        assertThat(r.version()).isEqualTo(SpecVersion.V0_3_1);
        assertThat(r.ips().get(0).address().toString()).isEqualTo("10.9.0.2/16");
    }

    @Test
    void failedAddKeepsThePluginErrorAndDeletesTheWholeChain() {
        exec.on("tuning", "ADD", c -> fail(1, "{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"sysctl failed\","
                + "\"details\":\"no such file\"}", ""));
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(PluginErrorException.class, e -> {
                    assertThat(e.error()).isEqualTo(new CniError(999, "sysctl failed", "no such file"));
                    assertThat(e.pluginType()).isEqualTo("tuning");
                    assertThat(e.command()).isEqualTo("ADD");
                });
        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning ADD", "tuning DEL", "bridge DEL");
        assertThat(exec.last("bridge", "DEL").env()).containsEntry("CNI_CONTAINERID", "vmi-1").containsEntry("CNI_IFNAME", "vmi0");
        assertThat(Files.exists(cacheDir.resolve("results/podnet-vmi-1-vmi0"))).isFalse();
    }

    @Test
    void garbageOutputIsADecodeErrorAndIsUndone() {
        exec.on("bridge", "ADD", c -> ok("hello, I am not JSON"));
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(PluginExecException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PluginExecException.Reason.UNPARSEABLE_OUTPUT);
                    assertThat(e.error().code()).isEqualTo(CniError.DECODE_FAILURE);
                })
                .hasMessageContaining("hello, I am not JSON");
        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning DEL", "bridge DEL");
    }

    @Test
    void hungPluginIsReportedAsTimedOutAndUndone() {
        exec.on("bridge", "ADD", c -> RecordingPluginExec.timedOut());
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(PluginExecException.class,
                        e -> assertThat(e.reason()).isEqualTo(PluginExecException.Reason.TIMED_OUT))
                .hasMessageContaining("did not finish within 5s and was killed");
        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning DEL", "bridge DEL");
    }

    @Test
    void failureWithoutErrorObjectShowsStderr() {
        exec.on("bridge", "ADD", c -> fail(2, "", "panic: runtime error"));
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(PluginExecException.class,
                        e -> assertThat(e.reason()).isEqualTo(PluginExecException.Reason.FAILED_WITHOUT_ERROR))
                .hasMessageContaining("exited with status 2").hasMessageContaining("panic: runtime error");
    }

    @Test
    void unknownPluginIsNamedWithTheDirectoriesSearched() {
        assertThatThrownBy(() -> runtime().add(network("1.0.0", "{\"type\":\"bridge\"}", "{\"type\":\"nosuch\"}"), attach))
                .isInstanceOfSatisfying(PluginExecException.class,
                        e -> assertThat(e.reason()).isEqualTo(PluginExecException.Reason.NOT_FOUND))
                .hasMessageContaining("plugin \"nosuch\" not found in [/elsewhere, /fake/bin]");
        assertThat(exec.sequence()).isEmpty(); // not even the bridge ran
    }

    @Test
    void secondAddOfTheSameAttachmentIsRefusedWithoutTouchingTheFirst() {
        runtime().add(bridgeTuning("1.0.0"), attach);
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), attach)).hasMessageContaining("already attached");
        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning ADD");
    }

    @Test
    void missingNetnsIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), RuntimeConf.of("vmi-1", "/run/netns/absent", "vmi0")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.error().code()).isEqualTo(3))
                .hasMessageContaining("network namespace \"/run/netns/absent\" does not exist");
        assertThat(exec.sequence()).isEmpty();
    }

    @Test
    void invalidNamesAreRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), RuntimeConf.of("vmi-1", netns, "a-very-long-ifname")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.error().code()).isEqualTo(4))
                .hasMessageContaining("longer than 15");
        assertThatThrownBy(() -> runtime().add(bridgeTuning("1.0.0"), RuntimeConf.of("../x", netns, "vmi0")))
                .hasMessageContaining("invalid container ID");
        assertThat(exec.calls()).isEmpty();
    }

    @Test
    void delRunsInReverseWithTheCachedResultAndIsIdempotent() {
        CniRuntime rt = runtime();
        rt.add(bridgeTuning("1.0.0"), attach);
        rt.del(bridgeTuning("1.0.0"), RuntimeConf.of("vmi-1", "", "vmi0"));
        assertThat(exec.sequence()).containsExactly("bridge ADD", "tuning ADD", "tuning DEL", "bridge DEL");
        var del = exec.last("bridge", "DEL");
        assertThat(del.stdin().get("prevResult").get("ips").get(0).get("address").asText()).isEqualTo("10.1.0.5/24");
        assertThat(del.stdin().get("runtimeConfig").toString()).isEqualTo("{\"mac\":\"02:00:00:00:00:07\"}"); // from the cache
        assertThat(del.env()).containsEntry("CNI_ARGS", "K8S_POD_NAME=virt-launcher").containsEntry("CNI_NETNS", netns);
        assertThat(Files.exists(cacheDir.resolve("results/podnet-vmi-1-vmi0"))).isFalse();

        rt.del(bridgeTuning("1.0.0"), RuntimeConf.of("vmi-1", "", "vmi0"));
        assertThat(exec.last("bridge", "DEL").stdin().has("prevResult")).isFalse();
    }

    @Test
    void delRunsEveryPluginEvenWhenOneFailsAndKeepsTheCacheForARetry() {
        CniRuntime rt = runtime();
        rt.add(bridgeTuning("1.0.0"), attach);
        exec.on("tuning", "DEL", c -> fail(1, "{\"code\":11,\"msg\":\"busy\"}", ""));
        assertThatThrownBy(() -> rt.del(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(PluginErrorException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(exec.sequence()).endsWith("tuning DEL", "bridge DEL");
        assertThat(Files.exists(cacheDir.resolve("results/podnet-vmi-1-vmi0"))).isTrue();
    }

    @Test
    void delGoesOnWhenTheCacheEntryIsCorrupt() throws Exception {
        Files.createDirectories(cacheDir.resolve("results"));
        Files.writeString(cacheDir.resolve("results/podnet-vmi-1-vmi0"), "{broken");
        runtime().del(bridgeTuning("1.0.0"), attach);
        assertThat(exec.sequence()).containsExactly("tuning DEL", "bridge DEL");
        assertThat(Files.exists(cacheDir.resolve("results/podnet-vmi-1-vmi0"))).isFalse();
    }

    @Test
    void checkSendsTheCachedResultToEveryPlugin() {
        CniRuntime rt = runtime();
        rt.add(bridgeTuning("1.0.0"), attach);
        assertThat(rt.check(bridgeTuning("1.0.0"), attach)).containsExactly("bridge", "tuning");
        assertThat(exec.last("tuning", "CHECK").stdin().get("prevResult").toString()).isEqualTo(BRIDGE_RESULT);
    }

    @Test
    void checkNeedsVersion040AndACachedResult() {
        assertThatThrownBy(() -> runtime().check(bridgeTuning("0.3.1"), attach)).hasMessageContaining("does not support CHECK");
        assertThatThrownBy(() -> runtime().check(bridgeTuning("1.0.0"), attach))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.error().code()).isEqualTo(3))
                .hasMessageContaining("no cached result");
    }

    @Test
    void statusAsksOnly110PluginsAndKeepsTheirError() {
        exec.plugin("modern", "1.0.0", "1.1.0")
                .on("modern", "STATUS", c -> fail(1, "{\"code\":50,\"msg\":\"no IPs left\"}", ""));
        var report = runtime().status(network("1.1.0", "{\"type\":\"bridge\"}"));
        assertThat(report.plugins()).extracting(StatusReport.PluginStatus::state).containsExactly(StatusReport.State.NOT_SUPPORTED);
        assertThatThrownBy(() -> runtime().status(network("1.1.0", "{\"type\":\"modern\"}")))
                .isInstanceOfSatisfying(PluginErrorException.class, e -> assertThat(e.error().code()).isEqualTo(50));
        exec.on("modern", "STATUS", c -> ok(""));
        assertThat(runtime().status(network("1.1.0", "{\"type\":\"modern\"}")).plugins())
                .extracting(StatusReport.PluginStatus::state).containsExactly(StatusReport.State.READY);
    }

    @Test
    void gcDeletesCachedAttachmentsNotValidThenRunsGcOn110Plugins() {
        exec.plugin("modern", "1.0.0", "1.1.0").on("modern", "ADD", c -> ok(BRIDGE_RESULT.replace("1.0.0", "1.1.0")));
        NetworkConfigList net = network("1.1.0", "{\"type\":\"modern\"}", "{\"type\":\"tuning\"}");
        CniRuntime rt = runtime();
        for (String id : List.of("a", "b", "c")) {
            rt.add(net, RuntimeConf.of(id, netns, "vmi0"));
        }
        GcReport report = rt.gc(net, Set.of(new Attachment("b", "vmi0")));

        assertThat(report.deleted()).containsExactly(new Attachment("a", "vmi0"), new Attachment("c", "vmi0"));
        assertThat(report.pluginsGc()).containsExactly("modern");
        assertThat(report.pluginsSkipped()).containsExactly("tuning");
        assertThat(report.errors()).isEmpty();
        assertThat(exec.last("modern", "DEL").env()).containsEntry("CNI_NETNS", netns).containsEntry("CNI_CONTAINERID", "c");
        assertThat(exec.last("modern", "GC").stdin().get("cni.dev/valid-attachments").toString())
                .isEqualTo("[{\"containerID\":\"b\",\"ifname\":\"vmi0\"}]");
        assertThat(rt.cachedAttachments("podnet")).extracting(a -> a.containerId()).containsExactly("b");
    }
}
