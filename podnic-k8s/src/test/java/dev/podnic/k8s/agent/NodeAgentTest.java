package dev.podnic.k8s.agent;

import static dev.podnic.k8s.VmiControllerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.k8s.ApiRequests;
import dev.podnic.k8s.ManifestsTest;
import dev.podnic.k8s.VmiControllerTest;
import dev.podnic.k8s.controller.AgentReleaser;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.VmiController;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.crd.VmiStatus;
import dev.podnic.k8s.objects.LauncherReport;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller and a node agent together on the mock API server, the agent over a fake ledger:
 * the agent reports what the node daemon bound, and frees a deleted VM's interfaces on its node —
 * launcher alive or dead — before the controller lets the VMI go.
 */
@EnableKubernetesMockClient(crud = true)
class NodeAgentTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private final FakeNodeAttachments node1 = new FakeNodeAttachments();
    private final PrometheusMeterRegistry controllerMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry agentMetrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KubernetesClient controllerClient;
    private KubernetesClient agentClient;
    private VmiController controller;
    private NodeAgent agent;

    @BeforeEach
    void start() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()).createOr(n -> n.update());
        controllerClient = as("podnic-controller");
        agentClient = as("podnic-agent");
        controller = new VmiController(controllerClient, new LauncherPods("podnic/podnic:test"), new AgentReleaser(controllerClient), 2,
                controllerMetrics);
        controller.start();
        agent = new NodeAgent(agentClient, "node-1", node1, Duration.ofMillis(200), false, agentMetrics).start();
    }

    /** A client that says who it is, so the recorded requests tell the controller's from the agent's. */
    private static KubernetesClient as(String userAgent) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(userAgent).build())
                .build();
    }

    @AfterEach
    void stop() {
        node1.failuresLeft.set(0);
        client.resources(VirtualMachineInstance.class).inAnyNamespace().delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inAnyNamespace().list().getItems().isEmpty() ? true : null);
        agent.close();
        controller.close();
        client.pods().inAnyNamespace().delete();
        controllerClient.close();
        agentClient.close();
    }

    @Test
    void theAgentReportsWhatTheNodeDaemonBound() throws Exception {
        String uid = createAndLaunch("vm1");
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm1", "Running"));
        assertThat(vmi.getStatus().getInterfaces()).extracting(VmiStatus.InterfaceStatus::getName,
                VmiStatus.InterfaceStatus::getInterfaceName, i -> i.getIpAddresses().get(0), VmiStatus.InterfaceStatus::getNode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", "vmi0", "10.244.1.5/24", "node-1"),
                        org.assertj.core.groups.Tuple.tuple("second", "vmi1", "10.244.1.6/24", "node-1"));
        assertThat(client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm1")).get().getMetadata().getAnnotations()
                .get(LauncherReport.ANNOTATION))
                .isEqualTo("[{\"interface\":\"vmi0\",\"ips\":[\"10.244.1.5/24\"]},{\"interface\":\"vmi1\",\"ips\":[\"10.244.1.6/24\"]}]");
        assertThat(node1.released).isEmpty();
        assertThat(uid).isNotBlank();
        assertThat(agent.healthy()).isTrue();
    }

    /**
     * A pod that claims another VM's identity in its requests cannot plant its addresses in that VM's
     * status: the daemon recorded which pod really asked (from the kernel), and the agent reports on a
     * launcher pod only what that pod bound.
     */
    @Test
    void aPlantedVmIdentityIsNotReportedOnTheVictimsPod() throws Exception {
        String uid = createAndLaunch("vm7");
        eventually(() -> withPhase("vm7", "Running"));
        String launcherUid = client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm7")).get().getMetadata().getUid();
        node1.ledger.clear();
        node1.bind(uid, "vmi0", "10.244.1.5/24", launcherUid);
        node1.bind(uid, "vmi1", "10.244.1.6/24", launcherUid);
        node1.bind(uid, "vmi2", "10.244.9.99/24", "00000000-0000-0000-0000-0000000000aa"); // another pod's ADD, claiming vm7
        createAndLaunch("vm8"); // a later pass of the agent has run once this one's report is there
        eventually(() -> withPhase("vm8", "Running"));
        assertThat(client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm7")).get().getMetadata().getAnnotations()
                .get(LauncherReport.ANNOTATION)).doesNotContain("10.244.9.99").contains("10.244.1.5/24");
    }

    @Test
    void deletingARunningVmReleasesItsInterfacesOnItsNodeFirst() throws Exception {
        String uid = createAndLaunch("vm2");
        eventually(() -> withPhase("vm2", "Running"));
        node1.failuresLeft.set(2); // the daemon fails twice: the agent tries again, the finalizer holds
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm2").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm2").get() == null ? true : null);
        assertThat(node1.released).containsExactly(uid + "=[vmi0, vmi1]");
        assertThat(node1.ledger).isEmpty();
        // What an operator's dashboard shows for this: the two failed DELs, one release of two interfaces,
        // the creation-to-Running time, and reconciles that waited for the node.
        assertThat(agentMetrics.scrape()).contains("podnic_agent_failures_total 2.0", "podnic_agent_vmis_released_total 1.0",
                "podnic_agent_interfaces_released_total 2.0");
        assertThat(controllerMetrics.scrape()).contains("podnic_vmi_running_after_seconds_count 1", "podnic_workqueue_depth",
                "podnic_reconcile_seconds_count{outcome=\"waiting_for_node\"}");
    }

    @Test
    void deletingAVmWhoseLauncherDiedStillReleasesOnTheNode() throws Exception {
        String uid = createAndLaunch("vm3");
        eventually(() -> withPhase("vm3", "Running"));
        client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm3")).delete();
        eventually(() -> withPhase("vm3", "Failed"));
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm3").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm3").get() == null ? true : null);
        assertThat(node1.released).containsExactly(uid + "=[vmi0, vmi1]");
    }

    @Test
    void aNodeThatIsGoneCountsAsReleased() throws Exception {
        createAndLaunch("vm4");
        eventually(() -> withPhase("vm4", "Running"));
        agent.close(); // the node died with its agent...
        assertThat(agent.healthy()).as("a stopped agent fails its liveness probe").isFalse();
        client.nodes().withName("node-1").delete(); // ...and was removed from the cluster
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").get() == null ? true : null);
        assertThat(node1.released).isEmpty();
        agent = new NodeAgent(agentClient, "node-1", node1, Duration.ofMillis(200), false).start();
    }

    @Test
    void eachRoleGrantsExactlyWhatItsComponentUses() throws Exception {
        drainRequests();
        agent.close(); // start again with the recording on, to see the informers' list and watch
        controller.close();
        controller = new VmiController(controllerClient, new LauncherPods("podnic/podnic:test"), new AgentReleaser(controllerClient), 2);
        controller.start();
        agent = new NodeAgent(agentClient, "node-1", node1, Duration.ofMillis(200), false).start();
        createAndLaunch("vm5");
        eventually(() -> withPhase("vm5", "Running"));
        // Every path that reads or writes: an invalid spec too (the controller re-reads it live before failing it).
        client.resource(client.getKubernetesSerialization().unmarshal(VmiControllerTest.example("vm6")
                .replace("00:11:22:33:44:55", "01:00:5e:00:00:01"), VirtualMachineInstance.class)).create();
        eventually(() -> withPhase("vm6", "Failed"));
        agent.close(); // so that the controller asks whether the node still exists while it waits
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm5").delete();
        java.util.List<RecordedRequest> seen = new java.util.ArrayList<>();
        eventually(() -> {
            seen.addAll(drainRequests());
            return seen.stream().anyMatch(r -> r.getPath().startsWith("/api/v1/nodes/node-1")) ? true : null;
        });
        agent = new NodeAgent(agentClient, "node-1", node1, Duration.ofMillis(200), false).start();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm5").get() == null ? true : null);
        controller.close(); // writes the events it recorded, then stops
        controller = new VmiController(controllerClient, new LauncherPods("podnic/podnic:test"), new AgentReleaser(controllerClient), 2);
        controller.start();
        seen.addAll(drainRequests());
        Set<String> byController = new TreeSet<>();
        Set<String> byAgent = new TreeSet<>();
        for (RecordedRequest r : seen) {
            String ua = String.valueOf(r.getHeader("User-Agent"));
            (ua.startsWith("podnic-controller") ? byController : ua.startsWith("podnic-agent") ? byAgent : new TreeSet<String>())
                    .add(ApiRequests.permission(r.getMethod(), r.getPath()));
        }
        assertThat(ApiRequests.granted(role("controller-rbac.yaml"))).isEqualTo(byController);
        assertThat(ApiRequests.granted(role("node-daemon.yaml"))).isEqualTo(byAgent);
    }

    private static VirtualMachineInstance withPhase(String name, String phase) {
        VirtualMachineInstance v = client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName(name).get();
        return v != null && v.getStatus() != null && v.getStatus().getPhase() != null && phase.equals(v.getStatus().getPhase().name()) ? v : null;
    }

    private static ClusterRole role(String manifest) throws Exception {
        return ManifestsTest.load(manifest).stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).findFirst()
                .orElseThrow();
    }

    private static java.util.List<RecordedRequest> drainRequests() {
        java.util.List<RecordedRequest> out = new java.util.ArrayList<>();
        try {
            for (RecordedRequest r; (r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
                out.add(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return out;
    }

    /** Creates the VMI; then plays the scheduler (node-1) and the launcher (its two vNICs bound through node-1's daemon). */
    private String createAndLaunch(String name) throws Exception {
        client.resource(client.getKubernetesSerialization().unmarshal(VmiControllerTest.example(name), VirtualMachineInstance.class))
                .create();
        eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName(name)).get());
        client.pods().inNamespace("team-a").withName(LauncherPods.podName(name)).edit(p -> {
            p.getSpec().setNodeName("node-1");
            return p;
        });
        String uid = client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName(name).get().getMetadata().getUid();
        node1.bind(uid, "vmi0", "10.244.1.5/24");
        node1.bind(uid, "vmi1", "10.244.1.6/24");
        return uid;
    }
}
