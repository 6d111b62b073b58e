package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches VM instances and their launcher pods (informers) and feeds changed keys to the work queue;
 * the reconciler does the rest, reading from the informers' caches. A pod event maps to its VMI
 * through the {@value LauncherPods#VMI_LABEL} label, so a launcher's report or death is seen at once.
 */
public final class VmiController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VmiController.class);
    private final KubernetesClient client;
    private final WorkQueue queue;
    private final SharedIndexInformer<VirtualMachineInstance> vmis;
    private final SharedIndexInformer<Pod> pods;
    private final VmiReconciler reconciler;
    private final MeterRegistry registry;
    private Gauge depth;

    public VmiController(KubernetesClient client, LauncherPods launchers, InterfaceReleaser releaser, int workers) {
        this(client, launchers, releaser, workers, new SimpleMeterRegistry());
    }

    /**
     * @param registry where {@code podnic_reconcile} (by outcome), {@code podnic_workqueue_depth} and
     *                 {@code podnic_vmi_running_after} (creation to Running) go; shared by the controllers
     *                 that succeed each other under leader election
     */
    public VmiController(KubernetesClient client, LauncherPods launchers, InterfaceReleaser releaser, int workers, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
        this.vmis = client.resources(VirtualMachineInstance.class).inAnyNamespace().runnableInformer(0);
        this.pods = client.pods().inAnyNamespace().withLabel(LauncherPods.VMI_LABEL).runnableInformer(0);
        this.reconciler = new VmiReconciler(client, launchers, releaser, registry, new ObjectLookup() {
            @Override
            public VirtualMachineInstance vmi(String namespace, String name) {
                return vmis.getStore().getByKey(key(namespace, name));
            }

            @Override
            public Pod launcher(String namespace, String vmiName) {
                return pods.getStore().getByKey(key(namespace, LauncherPods.podName(vmiName)));
            }
        });
        this.queue = new WorkQueue(workers, Duration.ofMillis(100), Duration.ofSeconds(30), this::reconcile,
                (message, e) -> LOG.warn("reconcile failed: {}", message));
    }

    /** One pass for a "namespace/name" key, timed by outcome. */
    private Reconciled reconcile(String key) {
        int slash = key.indexOf('/');
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            Reconciled r = reconciler.reconcile(key.substring(0, slash), key.substring(slash + 1));
            outcome = r.outcome();
            if (!r.finished()) {
                LOG.debug("{}: {}", key, r); // waiting for a node agent is the normal course of a deletion
            }
            return r;
        } finally {
            sample.stop(Timer.builder("podnic_reconcile").description("reconcile passes of VM instances")
                    .tag("outcome", outcome).publishPercentiles(0.5, 0.99).register(registry));
        }
    }

    /** Starts both informers and returns once their caches hold the current state. */
    public void start() {
        depth = Gauge.builder("podnic_workqueue_depth", queue, WorkQueue::depth).description("VM instances waiting to be reconciled")
                .register(registry);
        vmis.addEventHandler(handler(v -> key(v.getMetadata().getNamespace(), v.getMetadata().getName())));
        pods.addEventHandler(handler(p -> key(p.getMetadata().getNamespace(), p.getMetadata().getLabels().get(LauncherPods.VMI_LABEL))));
        pods.run();
        vmis.run();
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

    /** False once an informer stopped for good (it does not restart itself): time for a new process. */
    public boolean healthy() {
        return vmis.isRunning() && pods.isRunning();
    }

    public WorkQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        if (depth != null) {
            registry.remove(depth); // the next leader's controller registers its own queue
        }
        pods.close();
        vmis.close();
        queue.close();
        reconciler.close();
    }
}
