package dev.podnic.cli.node;

import dev.podnic.cli.UserError;
import dev.podnic.cli.k8s.Health;
import dev.podnic.cli.k8s.KubernetesApi;
import dev.podnic.cli.k8s.Until;
import dev.podnic.k8s.agent.NodeAgent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", description = {"The node agent, beside the node daemon (deploy/node-daemon.yaml): writes each launcher pod's "
        + "bound interfaces (annotation podnic.dev/interfaces) from the daemon's ledger, and frees a deleted VM instance's "
        + "interfaces on this node, then marks it podnic.dev/released-on so the controller lets it go. Talks to the API "
        + "server with the in-cluster service account, or $KUBECONFIG / ~/.kube/config.",
        "",
        "  podnic node agent --node-name $NODE_NAME --admin-socket /run/podnic-admin/admin.sock"})
final class NodeAgentCommand implements Callable<Integer> {
    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
            description = "This node's name as the API server knows it (default: $NODE_NAME).")
    String nodeName;
    @Option(names = "--admin-socket", paramLabel = "PATH", defaultValue = "/var/lib/podnic/node/" + NodeCommand.ADMIN_SOCKET,
            description = "The node daemon's admin socket (default: ${DEFAULT-VALUE}).")
    Path adminSocket;
    @Option(names = "--health-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9465",
            description = "GET /healthz for a liveness probe and /metrics for Prometheus (the DaemonSet is on the host "
                    + "network: loopback); \"off\" "
                    + "disables (default: ${DEFAULT-VALUE}).")
    String healthAddress;
    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000",
            description = "How often the ledger is compared with the API objects, besides every watch event (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Override
    public Integer call() throws Exception {
        if (nodeName == null || nodeName.isBlank()) {
            throw new UserError("--node-name: missing (or set NODE_NAME, e.g. from the downward API's spec.nodeName)");
        }
        if (!Files.exists(adminSocket)) {
            throw new UserError("--admin-socket " + adminSocket + ": no such socket; is `podnic node` running with this --admin-socket?");
        }
        KubernetesClient client = KubernetesApi.connect();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeAgent agent = new NodeAgent(client, nodeName, new AdminAttachments(adminSocket), Duration.ofMillis(intervalMillis), true,
                metrics);
        try {
            agent.start();
        } catch (RuntimeException e) {
            agent.close();
            client.close();
            throw e;
        }
        System.err.println("podnic node agent: watching node " + nodeName + " (admin socket " + adminSocket + ", API "
                + client.getMasterUrl() + ")");
        Until.stopped(Health.serve(healthAddress, java.util.Map.of("agent", agent::healthy), metrics), agent, client);
        return 0;
    }
}
