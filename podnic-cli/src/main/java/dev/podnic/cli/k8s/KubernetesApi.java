package dev.podnic.cli.k8s;

import dev.podnic.cli.UserError;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The API client of the long-running Kubernetes components, checked to answer before they start. */
public final class KubernetesApi {
    private KubernetesApi() {
    }

    /** In-cluster service account, else $KUBECONFIG / ~/.kube/config; a clear error when nothing answers there. */
    public static KubernetesClient connect() {
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            client.getKubernetesVersion();
            return client;
        } catch (KubernetesClientException e) {
            String url = client.getMasterUrl().toString();
            client.close();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new UserError("cannot reach the Kubernetes API at " + url + " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "); run inside the cluster with a service "
                    + "account, or point KUBECONFIG at a kubeconfig");
        }
    }
}
