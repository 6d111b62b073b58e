package dev.podnic.k8s;

import static dev.podnic.k8s.VmiControllerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.k8s.controller.ControllerLeadership;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.Reconciled;
import dev.podnic.k8s.controller.VmiController;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two controller replicas: one leads and works, the other waits and takes over when the leader stops. */
@EnableKubernetesMockClient(crud = true)
class ControllerLeadershipTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private final AtomicInteger controllersStarted = new AtomicInteger();

    private ControllerLeadership replica(String identity) {
        // client-go's default lease: long enough that a busy machine never misses a renewal; a clean
        // stop still hands over at once (the lease is released), the standby retries every 1.5 s.
        return new ControllerLeadership(client, "podnic-system", identity, Duration.ofSeconds(15), () -> {
            controllersStarted.incrementAndGet();
            return new VmiController(client, new LauncherPods("podnic/podnic:test"), (vmi, node) -> Reconciled.done(), 2);
        }, () -> { }).start();
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        drain();
        ControllerLeadership a = replica("replica-a");
        ControllerLeadership b = replica("replica-b");
        try {
            eventually(() -> a.leading() || b.leading() ? true : null);
            assertThat(a.leading() && b.leading()).as("never two leaders").isFalse();
            assertThat(controllersStarted).hasValue(1);
            assertThat(a.healthy() && b.healthy()).as("leader and standby").isTrue();
            ControllerLeadership leader = a.leading() ? a : b;
            ControllerLeadership follower = leader == a ? b : a;
            String leaderName = leader == a ? "replica-a" : "replica-b";
            Lease lease = client.leases().inNamespace("podnic-system").withName(ControllerLeadership.LEASE).get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leaderName);

            create("vm1");
            eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm1")).get());

            leader.close(); // a clean stop hands the lease over
            // Up to 60 s: closing the old leader's watches blocks fabric8's mock server's event loop for seconds each
            // (WatchEventsListener.onClosed awaits an executor's termination on it), stalling every request meanwhile —
            // a full suite run on a loaded machine once took longer than 20 s here. A real API server does not.
            eventually(Duration.ofSeconds(60), () -> follower.leading() ? true : null);
            assertThat(controllersStarted).hasValue(2);
            create("vm2");
            eventually(() -> client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm2")).get());
        } finally {
            a.close();
            b.close();
            client.resources(VirtualMachineInstance.class).inAnyNamespace().withGracePeriod(0).delete();
        }
        // The Role in controller-rbac.yaml grants exactly what the election used on leases.
        Set<String> used = new TreeSet<>();
        for (RecordedRequest r : drain()) {
            String p = ApiRequests.permission(r.getMethod(), r.getPath());
            if (p.startsWith("coordination.k8s.io/")) {
                used.add(p);
            }
        }
        Role role = ManifestsTest.load("controller-rbac.yaml").stream().filter(Role.class::isInstance).map(Role.class::cast)
                .findFirst().orElseThrow();
        assertThat(role.getMetadata().getNamespace()).isEqualTo("podnic-system");
        assertThat(ApiRequests.granted(role)).isEqualTo(used);
    }

    private static void create(String name) throws Exception {
        client.resource(client.getKubernetesSerialization().unmarshal(VmiControllerTest.example(name), VirtualMachineInstance.class))
                .create();
    }

    private static List<RecordedRequest> drain() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
            out.add(r);
        }
        return out;
    }
}
