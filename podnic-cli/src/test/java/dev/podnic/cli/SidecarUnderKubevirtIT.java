package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmNames;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.kubevirt.testing.CgroupV1;
import dev.podnic.kubevirt.testing.VirtLauncherHooks;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kubevirt.hooks.info.ApiInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image started as each supported KubeVirt starts a network binding's sidecar (kubevirt
 * pkg/virt-controller/services: rendercontainer.go, renderresources.go, template.go at d923fdb, and the
 * releases that added CONTAINER_NAME and NETWORK_BINDING_PLUGIN_NAME): no command and no arguments, the
 * environment that version sets, a user of no privilege with every capability dropped, the hooks
 * directory mounted at /var/run/kubevirt-hooks (virt-launcher sees it as /var/run/kubevirt-hooks/CONTAINER/),
 * in the pod's network namespace, and within the limits KubeVirt gives the sidecar of a guaranteed-QoS or
 * dedicated-CPU VM: 200m CPU (a CFS quota of 20 ms per 100 ms) and 64M memory, its own binary's page
 * cache counted. virt-launcher's side: its polling, dial and Info timeouts (VirtLauncherHooks).
 */
@Timeout(300)
class SidecarUnderKubevirtIT {
    /** KubeVirt's sidecar limits for guaranteed-QoS and dedicated-CPU VMs (renderresources.go sidecarResources). */
    static final long MEMORY_LIMIT = 64_000_000;
    static final int CPU_QUOTA_US = 20_000;
    static final int CPU_PERIOD_US = 100_000;
    static final String CONTAINER = "hook-sidecar-0";
    static final int NOBODY = 65534;
    static final String DOMAIN = "<domain type=\"kvm\"><name>vms_vm1</name><devices><interface type=\"ethernet\"><alias "
            + "name=\"ua-placeholder-0\"></alias></interface></devices></domain>";
    static final String VMI = "{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstance\",\"metadata\":{\"name\":\"vm1\","
            + "\"namespace\":\"vms\"},\"spec\":{\"domain\":{\"devices\":{\"interfaces\":[{\"name\":\"default\",\"binding\":"
            + "{\"name\":\"podnic\"},\"macAddress\":\"02:00:00:00:00:01\"}]}},\"networks\":[{\"name\":\"default\",\"pod\":{}}]}}";

    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private Process sidecar;
    private CgroupV1 cgroups;

    @BeforeAll
    static void theImageIsBuilt() {
        ImageRoot.requireBuilt();
        CgroupV1.sweepLeftovers();
    }

    @BeforeEach
    void namespaces() {
        namespaces = new TestNamespaces();
    }

    @AfterEach
    void stop() throws Exception {
        if (sidecar != null) {
            sidecar.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (cgroups != null) {
            cgroups.close();
        }
        namespaces.close();
    }

    /** The environment each KubeVirt version gives a binding's sidecar container. */
    static Map<String, String> environment(String kubevirt) {
        Map<String, String> env = new LinkedHashMap<>();
        switch (kubevirt) {
            case "1.5" -> { } // neither variable yet
            case "1.6", "1.7", "1.8" -> env.put("CONTAINER_NAME", CONTAINER);
            case "1.9" -> {
                env.put("CONTAINER_NAME", CONTAINER);
                env.put("NETWORK_BINDING_PLUGIN_NAME", "podnic"); // kubevirt #18435
            }
            default -> throw new IllegalArgumentException(kubevirt);
        }
        return env;
    }

    @ParameterizedTest(name = "KubeVirt {0}")
    @ValueSource(strings = {"1.5", "1.6", "1.7", "1.8", "1.9"})
    void theImageServesVirtLauncherWithinKubevirtsLimits(String kubevirt) throws Exception {
        String pod = namespaces.create();
        TestNamespaces.ip("-n", pod, "tuntap", "add", "dev", VmNames.tap("default"), "mode", "tap", "user", "107");
        TestNamespaces.ip("-n", pod, "link", "set", VmNames.tap("default"), "mtu", "1450");
        Path hooks = Files.createDirectories(tmp.resolve("hooks"));
        Path ours = Files.createDirectories(hooks.resolve(CONTAINER)); // an emptyDir: anyone may write
        Files.setPosixFilePermissions(ours, PosixFilePermissions.fromString("rwxrwxrwx"));
        cgroups = CgroupV1.create("pdnt-sidecar-" + ProcessHandle.current().pid(), MEMORY_LIMIT, CPU_QUOTA_US, CPU_PERIOD_US);

        ImageRoot image = new ImageRoot(tmp.resolve("scratch")).bind(ours, "/var/run/kubevirt-hooks").asUser(NOBODY, NOBODY)
                .inCgroups(cgroups.dirs()).chargePageCache("/opt/podnic/podnic-sidecar");
        environment(kubevirt).forEach(image::env);
        Path log = tmp.resolve("sidecar.log");
        long started = System.nanoTime();
        try (NetnsThread podThread = NetnsThread.enter(path(pod))) {
            sidecar = image.start(podThread, log, List.of());
        }
        Process running = sidecar;
        try (VirtLauncherHooks launcher = VirtLauncherHooks.collect(ours.resolve("podnic.sock"), Duration.ofSeconds(240),
                running::isAlive)) {
            double infoMs = (launcher.infoAnsweredNanos() - started) / 1e6;
            ApiInfo.InfoResult info = launcher.info();
            assertThat(info.getName()).isEqualTo("podnic");
            assertThat(info.getVersionsList()).containsExactly("v1alpha3");
            // virt-launcher may call OnDefineDomain more than once for one start: the second call gets the first's result.
            String once = new String(launcher.onDefineDomain(DOMAIN.getBytes(StandardCharsets.UTF_8), VMI.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            String twice = new String(launcher.onDefineDomain(once.getBytes(StandardCharsets.UTF_8), VMI.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            assertThat(twice).isEqualTo(once).contains("<alias name=\"ua-placeholder-0\">")
                    .contains("<interface type=\"ethernet\"><alias name=\"ua-default\"/><target dev=\"" + VmNames.tap("default")
                            + "\" managed=\"no\"/><model type=\"virtio-non-transitional\"/><mac address=\"02:00:00:00:00:01\"/>"
                            + "<mtu size=\"1450\"/><rom enabled=\"no\"/></interface>");
            launcher.shutdown();
            assertThat(sidecar.waitFor(30, TimeUnit.SECONDS)).as("exits after Shutdown").isTrue();
            String output = Files.readString(log);
            assertThat(sidecar.exitValue()).as(output).isZero();
            assertThat(output).contains("serving KubeVirt hooks v1alpha3 on /var/run/kubevirt-hooks/podnic.sock for binding podnic");
            assertThat(cgroups.oomKills()).as("OOM kills").isZero();
            long peak = cgroups.memoryPeak();
            assertThat(peak).as("peak memory (cgroup), its binary's page cache included").isLessThanOrEqualTo(40L << 20);
            // (from the container's start: its mount namespace and overlay, the binary copied in under the CPU quota,
            // then virt-launcher's 300 ms polls; the sidecar's own time: scripts/bench sidecar)
            System.err.printf("KubeVirt %s: container start -> first Info answered %.0f ms at 200m CPU; peak memory %.1f MB of 64M%n",
                    kubevirt, infoMs, peak / 1e6);
        } catch (IOException e) {
            throw new AssertionError(e.getMessage() + "\nsidecar output:\n" + Files.readString(log), e);
        }
    }
}
