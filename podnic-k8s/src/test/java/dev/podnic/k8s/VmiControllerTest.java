package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.Reconciled;
import dev.podnic.k8s.controller.VmiController;
import dev.podnic.k8s.controller.VmiReconciler;
import dev.podnic.k8s.crd.InterfacePhase;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.crd.VmiStatus;
import dev.podnic.k8s.objects.LauncherReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller against fabric8's mock API server in CRUD mode: real HTTP, real watches. */
@EnableKubernetesMockClient(crud = true)
public class VmiControllerTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private final Queue<String> released = new ConcurrentLinkedQueue<>();
    private final AtomicInteger releaseFailuresLeft = new AtomicInteger();
    private VmiController controller;

    @BeforeEach
    void start() {
        controller = startController();
    }

    private VmiController startController() {
        VmiController c = new VmiController(client, new LauncherPods("podnic/launcher:test"), (vmi, node) -> {
            if (releaseFailuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("node daemon unreachable");
            }
            released.add(vmi.getMetadata().getNamespace() + "/" + vmi.getMetadata().getName() + "@" + node);
            return Reconciled.done();
        }, 2);
        c.start();
        return c;
    }

    @AfterEach
    void stop() {
        releaseFailuresLeft.set(0);
        client.resources(VirtualMachineInstance.class).inAnyNamespace().delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inAnyNamespace().list().getItems().isEmpty() ? true : null);
        controller.close();
        client.pods().inAnyNamespace().delete();
    }

    @Test
    void createMakesLauncherPodAndPendingStatus() throws IOException {
        create("vm1");
        Pod pod = eventually(() -> client.pods().inNamespace("team-a").withName("virt-launcher-vm1").get());
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("VirtualMachineInstance"));
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm1", "Pending"));
        assertThat(vmi.getMetadata().getFinalizers()).contains(VmiReconciler.FINALIZER);
        assertThat(vmi.getStatus().getInterfaces()).extracting(VmiStatus.InterfaceStatus::getName, VmiStatus.InterfaceStatus::getMac)
                .containsExactly(tuple("default", "00:11:22:33:44:55"),
                        tuple("second", vmi.getStatus().getInterfaces().get(1).getMac()));
        int firstByte = Integer.parseInt(vmi.getStatus().getInterfaces().get(1).getMac().substring(0, 2), 16);
        assertThat(firstByte & 3).as("a defaulted MAC is unicast and locally administered").isEqualTo(2);
    }

    @Test
    void theSeedsInterfaceFormWorksTheSameWay() throws IOException {
        client.resource(vmi(Files.readString(Path.of("..", "examples", "seed-vmi.yaml"))
                .replace("kind: VirtualMachine", "apiVersion: podnic.dev/v1alpha1\nkind: VirtualMachineInstance")
                .replace("name: testvm", "name: vm9\n  namespace: team-a"))).create();
        Pod pod = eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm9")).get());
        assertThat(pod.getMetadata().getAnnotations().get(LauncherPods.SPEC_ANNOTATION)).contains("\"type\":\"pod-network\"")
                .contains("\"model\":{\"type\":\"virtio\"}");
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm9", "Pending"));
        assertThat(vmi.getStatus().getInterfaces()).extracting(VmiStatus.InterfaceStatus::getName, VmiStatus.InterfaceStatus::getMac)
                .containsExactly(tuple("nic0", "00:11:22:33:44:55"));
    }

    @Test
    void launcherReportFillsStatusAndNetworkStatus() throws IOException {
        create("vm2");
        report("vm2", "node-1");
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm2", "Running"));
        VmiStatus.InterfaceStatus first = vmi.getStatus().getInterfaces().get(0);
        assertThat(first.getIpAddresses()).containsExactly("10.244.1.5/24", "fd00:10:244:1::5/64"); // dual stack: both
        assertThat(first.getInterfaceName()).isEqualTo("vmi0");
        assertThat(first.getNode()).isEqualTo("node-1");
        assertThat(first.getPhase()).isEqualTo(InterfacePhase.Bound);
        assertThat(vmi.getMetadata().getLabels()).containsEntry(VirtualMachineInstance.NODE_LABEL, "node-1");
        assertThat(vmi.getMetadata().getAnnotations().get(VmiReconciler.NETWORK_STATUS))
                .contains("\"interface\":\"vmi0\"", "\"ips\":[\"10.244.1.5\",\"fd00:10:244:1::5\"]", "\"default\":true");
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("LauncherCreated"));
    }

    @Test
    void deleteWithDeadLauncherReleasesEveryInterfaceDespiteFailures() throws IOException {
        create("vm3");
        report("vm3", "node-1");
        eventually(() -> withPhase("vm3", "Running"));
        client.pods().inNamespace("team-a").withName("virt-launcher-vm3").delete();
        VirtualMachineInstance failed = eventually(() -> withPhase("vm3", "Failed"));
        assertThat(failed.getStatus().getInterfaces()).allSatisfy(i -> assertThat(i.getIpAddresses()).isNotEmpty());
        assertThat(client.pods().inNamespace("team-a").withName("virt-launcher-vm3").get()).as("not recreated").isNull();
        releaseFailuresLeft.set(2);
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm3").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm3").get() == null ? true : null);
        assertThat(released).containsOnly("team-a/vm3@node-1");
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ReleaseFailed"));
    }

    @Test
    void deleteWithTheStatusLostStillReleasesOnTheLaunchersNode() throws IOException {
        create("vm4");
        eventually(() -> withPhase("vm4", "Pending"));
        controller.close(); // the controller is down while the launcher is scheduled, the status lost and the VMI deleted
        client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm4")).edit(p -> {
            p.getSpec().setNodeName("node-2");
            return p;
        });
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").editStatus(v -> {
            v.setStatus(null);
            return v;
        });
        assertThat(client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").get().getStatus()).isNull();
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").delete();
        controller = startController();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm4").get() == null ? true : null);
        assertThat(released).as("idempotent, may be asked again").containsOnly("team-a/vm4@node-2");
    }

    @Test
    void deleteBeforeTheLauncherGotANodeHasNothingToRelease() throws IOException {
        create("vm7");
        eventually(() -> withPhase("vm7", "Pending"));
        client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm7").delete();
        eventually(() -> client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName("vm7").get() == null ? true : null);
        assertThat(released).isEmpty();
    }

    @Test
    void apiErrorsAndConflictsAreRetriedUntilTheStateIsReached() throws Exception {
        String vmis = "/apis/podnic.dev/v1alpha1/namespaces/team-a/virtualmachineinstances/vm8";
        String conflict = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409}";
        String unavailable = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"ServiceUnavailable\",\"code\":503}";
        server.expect().patch().withPath(vmis).andReturn(409, conflict).once();                      // finalizer
        server.expect().post().withPath("/api/v1/namespaces/team-a/pods").andReturn(500, unavailable).times(2); // launcher
        server.expect().patch().withPath(vmis + "/status").andReturn(503, unavailable).once();       // status
        drainRequests();
        create("vm8");
        VirtualMachineInstance vmi = eventually(() -> withPhase("vm8", "Pending"));
        assertThat(vmi.getMetadata().getFinalizers()).contains(VmiReconciler.FINALIZER);
        assertThat(client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm8")).get()).isNotNull();
        List<String> seen = drainRequests().stream().map(r -> r.getMethod() + " " + r.getPath().replaceFirst("\\?.*", "")).toList();
        assertThat(seen.stream().filter(r -> r.equals("PATCH " + vmis))).as("conflict, then again").hasSizeGreaterThanOrEqualTo(2);
        assertThat(seen.stream().filter(r -> r.equals("POST /api/v1/namespaces/team-a/pods"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen.stream().filter(r -> r.equals("PATCH " + vmis + "/status"))).hasSizeGreaterThanOrEqualTo(2);
    }

    private static List<io.fabric8.mockwebserver.http.RecordedRequest> drainRequests() throws InterruptedException {
        List<io.fabric8.mockwebserver.http.RecordedRequest> out = new java.util.ArrayList<>();
        for (io.fabric8.mockwebserver.http.RecordedRequest r; (r = server.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS)) != null; ) {
            out.add(r);
        }
        return out;
    }

    @Test
    void anInvalidSpecThatGotPastAdmissionFailsWithoutALauncher() throws Exception {
        client.resource(vmi(example("vm6").replace("00:11:22:33:44:55", "01:00:5e:00:00:01"))).create();
        eventually(() -> withPhase("vm6", "Failed"));
        eventually(() -> client.v1().events().inNamespace("team-a").list().getItems().stream() // written asynchronously
                .anyMatch(e -> e.getReason().equals("InvalidSpec")) ? true : null);
        assertThat(client.v1().events().inNamespace("team-a").list().getItems())
                .filteredOn(e -> e.getInvolvedObject().getName().equals("vm6") && e.getReason().equals("InvalidSpec"))
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("macAddress = \"01:00:5e:00:00:01\""));
        assertThat(client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm6")).get()).isNull();
    }

    private void create(String name) throws IOException {
        client.resource(vmi(example(name))).create();
    }

    static VirtualMachineInstance vmi(String yaml) {
        return client.getKubernetesSerialization().unmarshal(yaml, VirtualMachineInstance.class);
    }

    /** examples/kubevirt-form-vmi.yaml as a podnic.dev object named {@code name} in team-a. */
    public static String example(String name) throws IOException {
        return Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml"))
                .replace("apiVersion: kubevirt.io/v1", "apiVersion: podnic.dev/v1alpha1")
                .replace("name: testvm", "name: " + name + "\n  namespace: team-a");
    }

    private void report(String vmi, String node) {
        eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName(vmi)).get());
        client.pods().inNamespace("team-a").withName(LauncherPods.podName(vmi)).edit(p -> {
            p.getSpec().setNodeName(node);
            p.getMetadata().getAnnotations().put(LauncherReport.ANNOTATION, client.getKubernetesSerialization().asJson(List.of(
                    new LauncherReport.Entry("default", "vmi0", "00:11:22:33:44:55", List.of("10.244.1.5/24", "fd00:10:244:1::5/64")),
                    new LauncherReport.Entry("second", "vmi1", null, List.of("10.244.1.6/24")))));
            return p;
        });
    }

    static VirtualMachineInstance withPhase(String name, String phase) {
        VirtualMachineInstance v = client.resources(VirtualMachineInstance.class).inNamespace("team-a").withName(name).get();
        return v != null && v.getStatus() != null && v.getStatus().getPhase() != null && phase.equals(v.getStatus().getPhase().name()) ? v : null;
    }

    /** What {@code probe} returns once it is not null, awaited up to 20 s. */
    public static <T> T eventually(Supplier<T> probe) {
        return eventually(Duration.ofSeconds(20), probe);
    }

    /** What {@code probe} returns once it is not null, awaited up to {@code atMost}. */
    public static <T> T eventually(Duration atMost, Supplier<T> probe) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(probe::get, Objects::nonNull);
    }
}
