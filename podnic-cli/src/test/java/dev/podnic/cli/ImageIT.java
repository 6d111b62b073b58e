package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.netlink.netns.NetnsThread;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image, from its own files (the root file system scripts/image builds; `scripts/test` builds it
 * first): every command line the manifests use parses there with the entry point's JVM flags, and the
 * roles that need no Kubernetes API do one real thing each — the node daemon serves (with the node's
 * plugins mounted as the DaemonSet mounts them) and a launcher pod brings a VM's vNIC up through it
 * and releases it, with the image's dnsmasq and podnic-ra; install-cni writes a podnic-shim that
 * answers VERSION; the sidecar answers KubeVirt's Info over its socket.
 */
@Timeout(300)
class ImageIT {
    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void theImageIsBuilt() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
        assertThat(ImageRoot.built()).as("no image root file system at " + ImageRoot.ROOTFS
                + ": build it with scripts/image --rootfs-only (scripts/test does)").isTrue();
    }

    @BeforeEach
    void namespaces() {
        namespaces = new TestNamespaces();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroy(); // SIGTERM, as the kubelet stops a container
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        namespaces.close();
    }

    private ImageRoot image(String name) {
        return new ImageRoot(tmp.resolve("scratch-" + name));
    }

    private static Container container(String name) throws Exception {
        return DeployManifestsTest.containers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyManifestsCommandLineParsesInTheImage() throws Exception {
        Outcome version = image("version").run(null, List.of("--version"));
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out().strip()).isEqualTo("podnic 0.1.0");
        for (Container c : DeployManifestsTest.containers()) {
            List<String> args = new ArrayList<>(c.getArgs());
            args.add("--help"); // parsed as given, then the command's help instead of its work
            Outcome o = image("help-" + c.getName()).run(null, args);
            assertThat(o.exit()).as(c.getName() + " " + c.getArgs() + ":\n" + o.out()).isZero();
            assertThat(o.out()).as(c.getName()).contains("Usage: podnic");
        }
    }

    /**
     * The DaemonSet's node container and a launcher pod as the controller makes it, both from the image,
     * on a node (a namespace) whose CNI plugins are the machine's Debian ones mounted at /opt/cni/bin.
     */
    @Test
    void theNodeDaemonServesALauncherPodFromTheImage() throws Exception {
        String node = namespaces.create();
        String pod = namespaces.create();
        Path run = Files.createDirectories(tmp.resolve("run-podnic"));
        Path state = Files.createDirectories(tmp.resolve("podnic-state"));
        Path netd = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(netd.resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.250.31.0/24\"}],[{\"subnet\":\"fd00:250:31::/64\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]}}]}");
        Path cniState = Files.createDirectories(tmp.resolve("cni-state"));
        ImageRoot daemonImage = image("node").bind(netd, "/etc/cni/net.d").bind(Path.of(RealPlugins.DIR), "/opt/cni/bin")
                .bind(cniState, "/var/lib/cni").bind(state, "/var/lib/podnic").bind(run, "/run/podnic")
                .bind(Files.createDirectories(tmp.resolve("admin")), "/run/podnic-admin").bind(Path.of("/run/netns"), "/var/run/netns");
        Path daemonLog = tmp.resolve("node.log");
        Process daemon;
        try (NetnsThread n = NetnsThread.enter(path(node))) {
            daemon = daemonImage.start(n, daemonLog, container("node").getArgs());
        }
        started.add(daemon);
        PodnicProcesses.awaitLine(daemonLog, "msg=\"serving\"", daemon);
        assertThat(run.resolve("node.sock")).exists();
        assertThat(state.resolve("node/binding.sock")).exists();

        // A launcher pod, exactly as the controller makes it (its spec file as the downward API writes it).
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("vm1").withNamespace("ns").withUid("u1").build());
        vmi.setSpec(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(
                Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml")).replace("apiVersion: kubevirt.io/v1",
                        "apiVersion: podnic.dev/v1alpha1").replace("kind: VirtualMachine", "kind: VirtualMachineInstance"),
                VirtualMachineInstance.class).getSpec());
        Pod launcherPod = new LauncherPods("podnic/podnic:0.1.0").build(vmi);
        Path etc = Files.createDirectories(tmp.resolve("etc-podnic"));
        Files.writeString(etc.resolve(Path.of(LauncherPods.SPEC_FILE).getFileName().toString()),
                launcherPod.getMetadata().getAnnotations().get(LauncherPods.SPEC_ANNOTATION));
        ImageRoot launcherImage = image("launcher").bind(run, "/run/podnic").bind(etc, "/etc/podnic")
                .bind(Files.createDirectories(tmp.resolve("launcher-state")), "/var/lib/podnic");
        Path launcherLog = tmp.resolve("launcher.log");
        Process launcher;
        try (NetnsThread p = NetnsThread.enter(path(pod))) {
            launcher = launcherImage.start(p, launcherLog, launcherPod.getSpec().getContainers().get(0).getArgs());
        }
        started.add(launcher);
        PodnicProcesses.awaitLine(launcherLog, "holding until SIGTERM", launcher);
        String up = Files.readString(launcherLog);
        assertThat(up).contains("address        10.250.31.").contains("IPv6 address   fd00:250:31::").contains("DHCP           dnsmasq");
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("/usr/sbin/dnsmasq")
                && c.contains("/var/lib/podnic/dhcp")).orElse(false)).count()).as("the image's dnsmasq serves each vNIC").isEqualTo(2);

        Outcome ls = image("node-ls").bind(state, "/var/lib/podnic").run(null, List.of("node", "ls", "--state-dir=/var/lib/podnic/node"));
        assertThat(ls.exit()).as(ls.out()).isZero();
        assertThat(ls.out()).contains("vmi0").contains("ADDED").contains("10.250.31.").contains("fd00:250:31::");

        launcher.destroy(); // the pod is deleted: SIGTERM, and the launcher releases everything
        assertThat(launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(launcherLog)).contains("released");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(image("node-ls-after").bind(state, "/var/lib/podnic")
                        .run(null, List.of("node", "ls", "--state-dir=/var/lib/podnic/node")).out()).doesNotContain("vmi"));
    }

    /** install-cni writes podnic-shim to the host; run there (no JVM, no image), it speaks CNI even when no daemon listens. */
    @Test
    void installCniWritesAShimThatRunsOnTheHost() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("cni-bin"));
        Outcome o = image("install-cni").bind(bin, "/host/opt/cni/bin").run(null, container("install-cni").getArgs());
        assertThat(o.exit()).as(o.out()).isZero();
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("podnic-shim").toString()).redirectErrorStream(true);
        pb.environment().put("CNI_COMMAND", "VERSION");
        pb.environment().put("PODNIC_BINDING_SOCKET", tmp.resolve("no-daemon.sock").toString());
        Process shim = pb.start();
        shim.getOutputStream().write("{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        shim.getOutputStream().close();
        String answer = new String(shim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shim.waitFor()).as(answer).isEqualTo(1);
        assertThat(answer).contains("\"code\":11").contains("the podnic node daemon is not reachable");
    }

    /** KubeVirt starts the sidecar image without arguments, with NETWORK_BINDING_PLUGIN_NAME set. */
    @Test
    void theSidecarAnswersKubevirtsInfoFromTheImage() throws Exception {
        Path hooks = Files.createDirectories(tmp.resolve("hooks"));
        Path log = tmp.resolve("sidecar.log");
        Process sidecar = image("sidecar").bind(hooks, "/var/run/kubevirt-hooks").env("NETWORK_BINDING_PLUGIN_NAME", "podnic")
                .start(null, log, List.of());
        started.add(sidecar);
        PodnicProcesses.awaitLine(log, "serving KubeVirt hooks", sidecar);
        Map<String, Object> info = SidecarInfo.ask(hooks.resolve("podnic.sock"));
        assertThat(info).containsEntry("name", "podnic");
        assertThat(info.get("versions").toString()).contains("v1alpha3");
    }
}
