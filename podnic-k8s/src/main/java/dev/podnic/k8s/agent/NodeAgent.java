package dev.podnic.k8s.agent;

import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.VmiReconciler;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.objects.LauncherReport;
import dev.podnic.k8s.objects.MetadataPatch;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of the Kubernetes story, beside the node daemon (as Multus's daemon or KubeVirt's
 * virt-handler): reports each launcher pod's bound interfaces from the daemon's ledger (the
 * {@value LauncherReport#ANNOTATION} annotation, so launcher pods need no API token), and frees
 * every interface of a deleted VM instance on this node — its pod may be long dead — then says so
 * in {@value VirtualMachineInstance#RELEASED_ON}. Level-triggered: each pass compares the ledger
 * with the API objects, on every watch event and every {@code interval}.
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final KubernetesClient client;
    private final String node;
    private final NodeAttachments attachments;
    private final Duration interval;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<VirtualMachineInstance> vmis;
    private final KubernetesSerialization serialization;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "podnic-agent");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Counter vmisReleased;
    private final Counter interfacesReleased;
    private final Counter reports;
    private final Counter failures;
    /** VMs (uid) this agent released and annotated, until they leave the cache: touched by the loop thread only. */
    private final Set<String> releasedHere = new java.util.HashSet<>();

    public NodeAgent(KubernetesClient client, String node, NodeAttachments attachments, Duration interval) {
        this(client, node, attachments, interval, true, new SimpleMeterRegistry());
    }

    /** As above, with fabric8's mock server in mind (see the next constructor). */
    public NodeAgent(KubernetesClient client, String node, NodeAttachments attachments, Duration interval, boolean byField) {
        this(client, node, attachments, interval, byField, new SimpleMeterRegistry());
    }

    /**
     * @param byField select this node's pods on the server (field spec.nodeName), as the API server
     *                can; fabric8's mock server cannot, and then the agent filters them itself
     */
    public NodeAgent(KubernetesClient client, String node, NodeAttachments attachments, Duration interval, boolean byField,
                     MeterRegistry registry) {
        this.client = client;
        this.vmisReleased = Counter.builder("podnic_agent_vmis_released").description("deleted VM instances released on this node")
                .register(registry);
        this.interfacesReleased = Counter.builder("podnic_agent_interfaces_released")
                .description("VMI interfaces freed (CNI DEL) for deleted VM instances").register(registry);
        this.reports = Counter.builder("podnic_agent_reports_written").description("launcher pod reports written").register(registry);
        this.failures = Counter.builder("podnic_agent_failures").description("releases or reports that failed (retried next pass)")
                .register(registry);
        this.node = node;
        this.attachments = attachments;
        this.interval = interval;
        this.serialization = client.getKubernetesSerialization();
        var launchers = client.pods().inAnyNamespace().withLabel(LauncherPods.VMI_LABEL);
        this.pods = (byField ? launchers.withField("spec.nodeName", node) : launchers).runnableInformer(0);
        this.vmis = client.resources(VirtualMachineInstance.class).inAnyNamespace()
                .withLabel(VirtualMachineInstance.NODE_LABEL, node).runnableInformer(0);
    }

    /** Starts watching and returns once both caches are filled; passes run from then on. */
    public NodeAgent start() {
        pods.addEventHandler(trigger());
        vmis.addEventHandler(trigger());
        pods.run();
        vmis.run();
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private <T> ResourceEventHandler<T> trigger() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                wake();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                wake();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                wake();
            }
        };
    }

    /** Runs a pass soon; events that come while one is waiting share it. */
    private void wake() {
        if (pending.compareAndSet(false, true) && !loop.isShutdown()) {
            loop.execute(this::syncQuietly);
        }
    }

    private void syncQuietly() {
        pending.set(false);
        try {
            sync();
        } catch (Exception e) {
            LOG.warn("node agent pass failed (next one in {} ms): {}", interval.toMillis(), e.toString());
        }
    }

    /**
     * One pass: releases first (a deleted VM's pod may still be listed), then reports. One VM's
     * failure (a failing DEL, a conflict) is logged and retried next pass; the others go on.
     */
    void sync() throws IOException {
        Set<String> present = new java.util.HashSet<>();
        for (VirtualMachineInstance vmi : vmis.getStore().list()) {
            present.add(vmi.getMetadata().getUid());
            if (needsRelease(vmi)) {
                attempt("releasing VM instance " + key(vmi.getMetadata()), () -> release(vmi));
            }
        }
        releasedHere.retainAll(present);
        Map<String, List<NodeAttachments.Attachment>> byVmi = attachments.list().stream()
                .filter(a -> "ADDED".equals(a.state()) && a.vmi() != null)
                .collect(Collectors.groupingBy(NodeAttachments.Attachment::vmi));
        for (Pod pod : pods.getStore().list()) {
            if (pod.getSpec() != null && node.equals(pod.getSpec().getNodeName()) && pod.getMetadata().getDeletionTimestamp() == null) {
                String vmiUid = owningVmi(pod);
                if (vmiUid != null) {
                    // Only what this pod itself bound: an entry whose caller ran in another pod (the kernel's
                    // cgroup says so) claimed this VM's identity and is not reported on its status.
                    List<NodeAttachments.Attachment> own = byVmi.getOrDefault(vmiUid, List.of()).stream()
                            .filter(a -> a.podUid() == null || a.podUid().equals(pod.getMetadata().getUid())).toList();
                    attempt("reporting on pod " + key(pod.getMetadata()), () -> report(pod, own));
                }
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void attempt(String what, Step step) {
        try {
            step.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debug("{}: the object changed meanwhile; next pass", what);
            } else {
                failures.increment();
                LOG.warn("{} failed (next pass in {} ms): {}", what, interval.toMillis(), e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            failures.increment();
            LOG.warn("{} failed (next pass in {} ms): {}", what, interval.toMillis(), e.getMessage());
        }
    }

    private static String key(io.fabric8.kubernetes.api.model.ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    private boolean needsRelease(VirtualMachineInstance vmi) {
        return vmi.getMetadata().getDeletionTimestamp() != null
                && vmi.getMetadata().getFinalizers().contains(VmiReconciler.FINALIZER)
                && !releasedOn(vmi).contains(node)
                && !releasedHere.contains(vmi.getMetadata().getUid()); // our annotation may not be in the cache yet
    }

    static Set<String> releasedOn(VirtualMachineInstance vmi) {
        Map<String, String> a = vmi.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(VirtualMachineInstance.RELEASED_ON);
        return v == null || v.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(v.split(",")));
    }

    private void release(VirtualMachineInstance vmi) throws IOException {
        List<NodeAttachments.Attachment> freed = attachments.release(vmi.getMetadata().getUid());
        Set<String> nodes = new LinkedHashSet<>(releasedOn(vmi));
        nodes.add(node);
        // Read-modify-write of one value: guarded by the version it was read from (a 409 comes back next pass).
        new MetadataPatch().annotation(VirtualMachineInstance.RELEASED_ON, String.join(",", nodes))
                .guardedBy(vmi.getMetadata().getResourceVersion()).applyTo(client, vmi);
        releasedHere.add(vmi.getMetadata().getUid());
        vmisReleased.increment();
        interfacesReleased.increment(freed.size());
        LOG.info("released VM instance {}/{} on node {}: {} interface(s) freed", vmi.getMetadata().getNamespace(),
                vmi.getMetadata().getName(), node, freed.size());
    }

    private static String owningVmi(Pod pod) {
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> VirtualMachineInstance.class.getSimpleName().equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
                .map(OwnerReference::getUid).findFirst().orElse(null);
    }

    /** Writes the pod's report when it differs from what the ledger says. */
    private void report(Pod pod, List<NodeAttachments.Attachment> bound) {
        List<LauncherReport.Entry> entries = new ArrayList<>();
        bound.stream().sorted(Comparator.comparing(NodeAttachments.Attachment::ifName))
                .forEach(a -> entries.add(new LauncherReport.Entry(null, a.ifName(), null, a.ips())));
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String current = annotations == null ? null : annotations.get(LauncherReport.ANNOTATION);
        String wanted = serialization.asJson(entries);
        if (wanted.equals(current) || (current == null && entries.isEmpty())) {
            return;
        }
        try {
            new MetadataPatch().annotation(LauncherReport.ANNOTATION, wanted).applyTo(client, pod);
            reports.increment();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) { // 404: gone since the cache saw it, nothing to report to
                throw e;
            }
        }
    }

    /** False once an informer stopped for good (it does not restart itself): time for a new process. */
    public boolean healthy() {
        return pods.isRunning() && vmis.isRunning() && !loop.isShutdown();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        pods.close();
        vmis.close();
    }
}
