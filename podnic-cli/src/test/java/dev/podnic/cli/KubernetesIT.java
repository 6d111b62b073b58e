package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.podnic.cli.node.AdminAttachments;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.k8s.agent.NodeAgent;
import dev.podnic.k8s.controller.AgentReleaser;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.VmiController;
import dev.podnic.k8s.controller.VmiReconciler;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.crd.VmiStatus;
import dev.podnic.k8s.objects.LauncherReport;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.ledger.Ledger;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes path with a real node: fabric8's mock API server (CRUD) stands in for the cluster;
 * the controller and node agent run as in production; the node daemon is a real process in a node
 * namespace with the real bridge + host-local plugins; this test plays the scheduler and the kubelet
 * and runs the launcher with exactly the arguments of the pod the controller created, inside a pod
 * namespace. The VMI's status must carry the addresses host-local gave, and deleting the VMI must
 * give every one back — with the launcher alive, and after it died with its pod.
 */
class KubernetesIT {
    private static final String NODE = "node-a";
    private static final Logger QUIET = Logger.getLogger("io.fabric8"); // held: the mock server logs every request
    private static KubernetesMockServer server;
    private static KubernetesClient client;

    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private Process daemon;
    private VmiController controller;
    private NodeAgent agent;
    private final List<Launch> launchers = new ArrayList<>();

    @BeforeAll
    static void cluster() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
        QUIET.setLevel(Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();
    }

    @AfterAll
    static void stopCluster() {
        client.close();
        server.destroy();
    }

    @BeforeEach
    void setUp() throws Exception {
        namespaces = new TestNamespaces();
        String node = namespaces.create();
        Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(tmp.resolve("net.d/10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.250.12.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}");
        daemon = new ProcessBuilder(java("node", "--socket", tmp.resolve("node.sock").toString(), "--state-dir",
                tmp.resolve("node").toString(), "--conf-dir", tmp.resolve("net.d").toString(), "--bin-dir", RealPlugins.DIR,
                "--node-netns", path(node).toString(), "--gc-interval", "3600", "--metrics-address", "off"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        PodnicProcesses.awaitLine(tmp.resolve("daemon.log"), "msg=\"serving\"", daemon);
        controller = new VmiController(client, new LauncherPods("podnic/podnic:test"), new AgentReleaser(client), 2);
        controller.start();
        agent = new NodeAgent(client, NODE, new AdminAttachments(tmp.resolve("node/admin.sock")), Duration.ofMillis(200), false)
                .start();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            client.resources(VirtualMachineInstance.class).inAnyNamespace().delete();
            eventually(() -> client.resources(VirtualMachineInstance.class).inAnyNamespace().list().getItems().isEmpty() ? true : null);
            assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).as("no IP left allocated").isEmpty();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new Ledger(tmp.resolve("node/ledger")).all())
                    .as("the daemon removes an entry's file just after its DEL answered").isEmpty());
        } finally {
            for (Launch l : launchers) {
                kill(l);
            }
            agent.close();
            controller.close();
            client.pods().inAnyNamespace().delete();
            daemon.destroy();
            daemon.waitFor(20, TimeUnit.SECONDS);
            namespaces.close();
        }
    }

    @Test
    void theVmGetsTheNodesCniAddressesAndDeletionGivesThemBackWhileItsLauncherRuns() throws Exception {
        Launch l = createAndLaunch("vm1");
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm1", "Running"));
        List<String> allocated = new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations().stream()
                .map(HostLocalStore.Allocation::ip).toList();
        assertThat(allocated).hasSize(2);
        assertThat(vmi.getStatus().getInterfaces()).extracting(VmiStatus.InterfaceStatus::getNode).containsOnly(NODE);
        assertThat(vmi.getStatus().getInterfaces()).flatExtracting(VmiStatus.InterfaceStatus::getIpAddresses)
                .map(ip -> ip.replaceFirst("/24$", "")).as("exactly what host-local allocated").containsExactlyInAnyOrderElementsOf(allocated);
        assertThat(vmi.getMetadata().getAnnotations().get(VmiReconciler.NETWORK_STATUS)).contains(allocated.get(0), allocated.get(1));
        Pod pod = client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm1")).get();
        assertThat(pod.getMetadata().getAnnotations().get(LauncherReport.ANNOTATION)).contains("\"interface\":\"vmi0\"");

        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm1").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm1").get() == null ? true : null);
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).as("freed before the VMI went").isEmpty();
        assertThat(TestNamespaces.ip("-n", l.pod, "-o", "link", "show")).as("the CNI DEL removed the VMI interfaces")
                .doesNotContainPattern(": vmi[01][:@]");

        // The kubelet stops the launcher (owner reference GC): it releases the rest (DHCP, bridges) and exits.
        l.process.destroy();
        assertThat(l.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(l.log)).contains("team-a/vm1: 2 vNIC(s) released");
        assertThat(TestNamespaces.ip("-n", l.pod, "-o", "link", "show")).doesNotContain("pdnbr");
    }

    @Test
    void deletingAVmWhoseLauncherDiedWithItsPodStillFreesItsAddresses() throws Exception {
        Launch l = createAndLaunch("vm2");
        eventually(() -> withPhase("vm2", "Running"));
        // The pod dies hard: launcher and its dnsmasq killed, the namespace gone, the pod object removed.
        kill(l);
        namespaces.delete(l.pod);
        client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm2")).delete();
        VirtualMachineInstance failed = eventually(() -> withPhase("vm2", "Failed"));
        assertThat(failed.getStatus().getInterfaces()).allSatisfy(i -> assertThat(i.getIpAddresses()).isNotEmpty());
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).as("held until the VMI goes").hasSize(2);

        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm2").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm2").get() == null ? true : null);
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new Ledger(tmp.resolve("node/ledger")).all())
                .as("the daemon removes an entry's file just after its DEL answered").isEmpty());
    }

    private record Launch(String pod, Process process, Path log, Path dir) {
    }

    /** kill -9 of the launcher and of the dnsmasq daemons it started (they left its process tree), by PID. */
    private static void kill(Launch l) throws Exception {
        l.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        Path dhcp = l.dir.resolve("state/dhcp");
        if (Files.isDirectory(dhcp)) {
            try (var pids = Files.list(dhcp)) {
                for (Path f : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    // (a daemon writes its pid file as it starts: seen before it is written, it is empty)
                    String pid = await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(f), p -> p.matches("[0-9]+\\s*"));
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /**
     * Creates the VMI, then does what the scheduler and kubelet would: binds the launcher pod to the
     * node, gives it a network namespace, mounts its VM (downward API) and runs its container's
     * arguments, the paths that are host mounts in a cluster pointed into this test's directory.
     */
    private Launch createAndLaunch(String name) throws Exception {
        String yaml = Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml"))
                .replace("apiVersion: kubevirt.io/v1", "apiVersion: podnic.dev/v1alpha1")
                .replace("name: testvm", "name: " + name + "\n  namespace: team-a");
        client.resource(client.getKubernetesSerialization().unmarshal(yaml, VirtualMachineInstance.class)).create();
        Pod pod = eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName(name)).get());
        client.pods().inNamespace("team-a").withName(LauncherPods.podName(name)).edit(p -> {
            p.getSpec().setNodeName(NODE);
            return p;
        });
        String podNs = namespaces.create();
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path spec = Files.writeString(dir.resolve("vmi.json"), pod.getMetadata().getAnnotations().get(LauncherPods.SPEC_ANNOTATION));
        List<String> args = new ArrayList<>();
        for (String a : pod.getSpec().getContainers().get(0).getArgs()) {
            args.add(a.equals(LauncherPods.SPEC_FILE) ? spec.toString()
                    : a.replace(LauncherPods.SOCKET, tmp.resolve("node.sock").toString())
                            .replace("--state-dir=/var/lib/podnic", "--state-dir=" + dir.resolve("state")));
        }
        Path log = dir.resolve("launcher.log");
        Process p;
        try (NetnsThread t = NetnsThread.enter(path(podNs))) {
            p = t.call(new ProcessBuilder(java(args.toArray(String[]::new))).redirectErrorStream(true).redirectOutput(log.toFile())::start);
        }
        Launch launch = new Launch(podNs, p, log, dir);
        launchers.add(launch);
        PodnicProcesses.awaitLine(log, "holding until SIGTERM", p);
        return launch;
    }

    private static List<String> java(String... args) {
        return PodnicProcesses.command(args);
    }

    private static VirtualMachineInstance withPhase(String name, String phase) {
        VirtualMachineInstance v = client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName(name).get();
        return v != null && v.getStatus() != null && v.getStatus().getPhase() != null && phase.equals(v.getStatus().getPhase().name()) ? v : null;
    }

    private static <T> T eventually(Supplier<T> probe) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(probe::get, Objects::nonNull);
    }
}
