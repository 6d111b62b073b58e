package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches VM instances and their launcher pods (informers) and feeds changed keys to the work queue;
 * the reconciler does the rest. A pod event maps to its VMI through the {@value LauncherPods#VMI_LABEL}
 * label, so a launcher's report or death is seen at once.
 */
public final class VmiController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmiController.class);
    private final KubernetesClient client;
    private final WorkQueue queue;
    private SharedIndexInformer<VirtualMachineInstance> vmis;
    private SharedIndexInformer<Pod> pods;

    public VmiController(KubernetesClient client, VmiReconciler reconciler, int workers) {
        this.client = client;
        this.queue = new WorkQueue(workers, Duration.ofMillis(100), Duration.ofSeconds(30), key -> {
            int slash = key.indexOf('/');
            reconciler.reconcile(key.substring(0, slash), key.substring(slash + 1));
        }, message -> LOG.warn("reconcile failed: {}", message));
    }

    public void start() {
        vmis = client.resources(VirtualMachineInstance.class).inAnyNamespace()
                .inform(handler(v -> key(v.getMetadata().getNamespace(), v.getMetadata().getName())));
        pods = client.pods().inAnyNamespace().withLabel(LauncherPods.VMI_LABEL)
                .inform(handler(p -> key(p.getMetadata().getNamespace(), p.getMetadata().getLabels().get(LauncherPods.VMI_LABEL))));
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(Function<T, String> keyOf) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                queue.add(keyOf.apply(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                queue.add(keyOf.apply(newObj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                queue.add(keyOf.apply(obj));
            }
        };
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    public WorkQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        if (pods != null) {
            pods.close();
        }
        if (vmis != null) {
            vmis.close();
        }
        queue.close();
    }
}
