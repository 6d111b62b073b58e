package dev.podnic.cli.k8s;

import dev.podnic.cli.UserError;
import dev.podnic.k8s.controller.AgentReleaser;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.VmiController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "controller", description = {"The VM instance controller (deploy/controller.yaml): for each VirtualMachineInstance "
        + "(podnic.dev/v1alpha1) a launcher pod, status.interfaces[] and the Multus-style network-status annotation from what "
        + "the node agents report, Events; on deletion it waits until the VM's node freed every interface. Talks to the API "
        + "server with the in-cluster service account, or $KUBECONFIG / ~/.kube/config.",
        "",
        "  podnic controller --launcher-image registry.example/podnic:0.1.0"})
public final class ControllerCommand implements Callable<Integer> {
    @Option(names = "--launcher-image", paramLabel = "IMAGE", defaultValue = "podnic/podnic:0.1.0",
            description = "Image of the launcher pods (the podnic image; its entry point is the podnic command) "
                    + "(default: ${DEFAULT-VALUE}).")
    String launcherImage;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "VM instances reconciled at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        if (workers < 1) {
            throw new UserError("--workers " + workers + ": must be at least 1");
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        VmiController controller = new VmiController(client, new LauncherPods(launcherImage), new AgentReleaser(client), workers);
        try {
            controller.start();
        } catch (RuntimeException e) {
            controller.close();
            client.close();
            throw e;
        }
        System.err.println("podnic controller: watching VirtualMachineInstances (API " + client.getMasterUrl() + ", " + workers
                + " workers, launcher image " + launcherImage + ")");
        Until.stopped(controller, client);
        return 0;
    }
}
