package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where the reconciler reads VM instances and launcher pods: the informers' caches in the controller
 * (no API round trip per reconcile), the API server itself otherwise. A cache may lag; the
 * reconciler re-reads live before any decision a stale view could make wrongly.
 */
public interface ObjectLookup {
    VirtualMachineInstance vmi(String namespace, String name);

    Pod launcher(String namespace, String vmiName);

    static ObjectLookup live(KubernetesClient client) {
        return new ObjectLookup() {
            @Override
            public VirtualMachineInstance vmi(String namespace, String name) {
                return client.resources(VirtualMachineInstance.class).inNamespace(namespace).withName(name).get();
            }

            @Override
            public Pod launcher(String namespace, String vmiName) {
                return client.pods().inNamespace(namespace).withName(LauncherPods.podName(vmiName)).get();
            }
        };
    }
}
