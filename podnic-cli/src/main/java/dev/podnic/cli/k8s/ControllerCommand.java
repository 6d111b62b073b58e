package dev.podnic.cli.k8s;

import dev.podnic.cli.UserError;
import dev.podnic.k8s.controller.AgentReleaser;
import dev.podnic.k8s.controller.ControllerLeadership;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.VmiController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "controller", description = {"The VM instance controller (deploy/controller.yaml): for each VirtualMachineInstance "
        + "(podnic.dev/v1alpha1) a launcher pod, status.interfaces[] and the Multus-style network-status annotation from what "
        + "the node agents report, Events; on deletion it waits until the VM's node freed every interface. Talks to the API "
        + "server with the in-cluster service account, or $KUBECONFIG / ~/.kube/config.",
        "",
        "  podnic controller --launcher-image registry.example/podnic:0.1.0",
        "  podnic controller --no-leader-elect     (one controller, e.g. against a test cluster)"})
public final class ControllerCommand implements Callable<Integer> {
    @Option(names = "--launcher-image", paramLabel = "IMAGE", defaultValue = "podnic/podnic:0.1.0",
            description = "Image of the launcher pods (the podnic image; its entry point is the podnic command) "
                    + "(default: ${DEFAULT-VALUE}).")
    String launcherImage;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "VM instances reconciled at once (default: ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--leader-elect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Work only while holding the Lease podnic-controller, so replicas can stand by "
                    + "(default: ${DEFAULT-VALUE}; --no-leader-elect for a single controller outside a cluster).")
    boolean leaderElect;
    @Option(names = "--lease-namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-podnic-system}",
            description = "Namespace of the Lease (default: $POD_NAMESPACE, else podnic-system).")
    String leaseNamespace;
    @Option(names = "--health-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8080",
            description = "GET /healthz for a liveness probe (503 once an informer stopped for good) and /metrics for "
                    + "Prometheus; \"off\" disables "
                    + "(default: ${DEFAULT-VALUE}).")
    String healthAddress;
    @Option(names = "--lease-duration", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long a dead leader blocks the others (default: ${DEFAULT-VALUE}).")
    int leaseSeconds;

    @Override
    public Integer call() throws Exception {
        if (workers < 1) {
            throw new UserError("--workers " + workers + ": must be at least 1");
        }
        KubernetesClient client = KubernetesApi.connect();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        java.util.function.Supplier<VmiController> controllers =
                () -> new VmiController(client, new LauncherPods(launcherImage), new AgentReleaser(client), workers, metrics);
        AutoCloseable running;
        java.util.function.BooleanSupplier healthy;
        if (leaderElect) {
            String identity = System.getenv().getOrDefault("HOSTNAME", "podnic-controller-" + ProcessHandle.current().pid());
            ControllerLeadership leadership = new ControllerLeadership(client, leaseNamespace, identity,
                    java.time.Duration.ofSeconds(leaseSeconds), controllers, () -> System.exit(1)); // lost the lease: come back as a follower
            running = leadership.start();
            healthy = leadership::healthy;
            System.err.println("podnic controller: " + identity + " campaigning for the Lease " + leaseNamespace + "/"
                    + ControllerLeadership.LEASE);
        } else {
            VmiController controller = controllers.get();
            try {
                controller.start();
            } catch (RuntimeException e) {
                controller.close();
                client.close();
                throw e;
            }
            running = controller;
            healthy = controller::healthy;
        }
        AutoCloseable health = Health.serve(healthAddress, java.util.Map.of("controller", healthy), metrics);
        System.err.println("podnic controller: API " + client.getMasterUrl() + ", " + workers + " workers, launcher image "
                + launcherImage);
        Until.stopped(health, running, client);
        return 0;
    }
}
