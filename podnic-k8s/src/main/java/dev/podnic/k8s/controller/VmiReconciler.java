package dev.podnic.k8s.controller;

import dev.podnic.api.SpecException;
import dev.podnic.api.VNic;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.k8s.crd.InterfacePhase;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.crd.VmiPhase;
import dev.podnic.k8s.crd.VmiStatus;
import dev.podnic.k8s.objects.LauncherReport;
import dev.podnic.k8s.objects.MetadataPatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Brings one VM instance to its wanted state: finalizer on, launcher pod present, status and the
 * Multus-style network-status annotation matching what the launcher reported; on deletion, every vNIC
 * released (launcher alive or not) before the finalizer comes off. Idempotent: any exception means
 * "try again later", and the work queue does that with backoff.
 */
public final class VmiReconciler implements AutoCloseable {
    public static final String FINALIZER = "podnic.dev/release-interfaces";
    public static final String NETWORK_STATUS = "k8s.v1.cni.cncf.io/network-status";

    private final KubernetesClient client;
    private final LauncherPods launchers;
    private final InterfaceReleaser releaser;
    private final EventRecorder events;
    private final ObjectLookup cache;
    private final ObjectLookup live;
    private final KubernetesSerialization serialization;
    private final VmiParser parser = new VmiParser();
    private final Timer runningAfter;
    /** VM instances (uids) whose phase change was announced: a pass on a stale cache must not announce it again. */
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    public VmiReconciler(KubernetesClient client, LauncherPods launchers, InterfaceReleaser releaser) {
        this(client, launchers, releaser, new SimpleMeterRegistry(), ObjectLookup.live(client));
    }

    public VmiReconciler(KubernetesClient client, LauncherPods launchers, InterfaceReleaser releaser, MeterRegistry registry,
                         ObjectLookup cache) {
        this.client = client;
        this.cache = cache;
        this.live = ObjectLookup.live(client);
        this.launchers = launchers;
        this.releaser = releaser;
        this.events = new EventRecorder(client);
        this.serialization = client.getKubernetesSerialization();
        this.runningAfter = Timer.builder("podnic_vmi_running_after").description("from a VM instance's creation to phase Running "
                + "(every vNIC bound, as the controller wrote it)").publishPercentiles(0.5, 0.99).register(registry);
    }

    /** One pass for namespace/name; API failures are exceptions (the work queue retries them). */
    public Reconciled reconcile(String namespace, String name) {
        VirtualMachineInstance vmi = cache.vmi(namespace, name);
        if (vmi == null) {
            return Reconciled.done();
        }
        if (vmi.getMetadata().getDeletionTimestamp() != null) {
            return finish(vmi);
        }
        if (!vmi.getMetadata().getFinalizers().contains(FINALIZER)) {
            vmi = MetadataPatch.addFinalizer(client, vmi, FINALIZER);
        }
        VmiSpec spec;
        try {
            spec = parse(vmi);
        } catch (SpecException e) {
            // Admission normally stops this; without the webhook, say so once and wait for a fix.
            if (!failed(vmi) && !failed(live.vmi(namespace, name))) { // the cache may lag behind our own write
                setStatus(vmi, failedStatus(), null);
                events.warning(vmi, "InvalidSpec", e.getMessage());
            }
            return Reconciled.done();
        }
        Pod pod = cache.launcher(namespace, name);
        boolean launched = vmi.getStatus() != null && vmi.getStatus().getPhase() != null;
        if (pod == null && launched) {
            pod = live.launcher(namespace, name); // the cache may not have seen our own create yet
        }
        if (pod == null && launched) {
            // The launcher existed and is gone: the VM instance is over (as in KubeVirt, a VMI runs
            // once). Keep what was bound, so deletion can release it on the node.
            if (vmi.getStatus().getPhase() != VmiPhase.Failed) {
                VmiStatus failed = serialization.clone(vmi.getStatus());
                failed.setPhase(VmiPhase.Failed);
                setStatus(vmi, failed, null);
                events.warning(vmi, "LauncherGone", "launcher pod " + LauncherPods.podName(name) + " is gone; the VM instance has failed");
            }
            return Reconciled.done();
        }
        if (pod == null) {
            pod = createLauncher(vmi);
        }
        VmiStatus status = status(spec, pod);
        setStatus(vmi, status, networkStatus(status));
        return Reconciled.done();
    }

    private VmiSpec parse(VirtualMachineInstance vmi) {
        return parser.parse(serialization.asJson(vmi).getBytes(StandardCharsets.UTF_8),
                "VirtualMachineInstance " + vmi.getMetadata().getNamespace() + "/" + vmi.getMetadata().getName());
    }

    private Pod createLauncher(VirtualMachineInstance vmi) {
        try {
            Pod pod = client.pods().resource(launchers.build(vmi)).create();
            events.normal(vmi, "LauncherCreated", "created pod " + pod.getMetadata().getName());
            return pod;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return live.launcher(vmi.getMetadata().getNamespace(), vmi.getMetadata().getName());
            }
            throw e;
        }
    }

    private VmiStatus status(VmiSpec spec, Pod pod) {
        LauncherReport report = LauncherReport.of(pod, serialization);
        String node = pod == null || pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        VmiStatus status = new VmiStatus();
        boolean allBound = true;
        for (VNic nic : spec.nics()) {
            VmiStatus.InterfaceStatus s = new VmiStatus.InterfaceStatus();
            s.setName(nic.name());
            s.setMac(nic.mac().toString());
            s.setNode(node);
            LauncherReport.Entry reported = report.find(nic.name(), nic.vmiInterface());
            if (reported != null && reported.ips() != null && !reported.ips().isEmpty()) {
                s.setIpAddresses(List.copyOf(reported.ips()));
                s.setInterfaceName(reported.vmiInterface());
                s.setPhase(InterfacePhase.Bound);
            } else {
                s.setInterfaceName(nic.vmiInterface());
                s.setPhase(InterfacePhase.Pending);
                allBound = false;
            }
            status.getInterfaces().add(s);
        }
        status.setPhase(allBound ? VmiPhase.Running : VmiPhase.Pending);
        return status;
    }

    private static boolean failed(VirtualMachineInstance vmi) {
        return vmi != null && vmi.getStatus() != null && vmi.getStatus().getPhase() == VmiPhase.Failed;
    }

    private static VmiStatus failedStatus() {
        VmiStatus s = new VmiStatus();
        s.setPhase(VmiPhase.Failed);
        return s;
    }

    /** Multus's network-status format: one entry per bound vNIC, bare IPs, the first one default. */
    private String networkStatus(VmiStatus status) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VmiStatus.InterfaceStatus s : status.getInterfaces()) {
            if (s.getIpAddresses().isEmpty()) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", s.getName());
            e.put("interface", s.getInterfaceName());
            e.put("ips", s.getIpAddresses().stream().map(ip -> ip.replaceFirst("/.*", "")).toList());
            e.put("mac", s.getMac());
            e.put("default", out.isEmpty());
            out.add(e);
        }
        return out.isEmpty() ? null : serialization.asJson(out);
    }

    private void setStatus(VirtualMachineInstance vmi, VmiStatus status, String networkStatus) {
        Map<String, String> annotations = vmi.getMetadata().getAnnotations();
        Map<String, String> labels = vmi.getMetadata().getLabels();
        String node = status.getInterfaces().stream().map(VmiStatus.InterfaceStatus::getNode).filter(Objects::nonNull)
                .findFirst().orElse(null);
        boolean annotate = networkStatus != null && !networkStatus.equals(annotations == null ? null : annotations.get(NETWORK_STATUS));
        boolean label = node != null && !node.equals(labels == null ? null : labels.get(VirtualMachineInstance.NODE_LABEL));
        if (annotate || label) {
            // The node label lets that node's agent watch just its VMs (it releases them on deletion).
            MetadataPatch patch = new MetadataPatch();
            if (annotate) {
                patch.annotation(NETWORK_STATUS, networkStatus);
            }
            if (label) {
                patch.label(VirtualMachineInstance.NODE_LABEL, node);
            }
            vmi = patch.applyTo(client, vmi);
        }
        if (!serialization.asJson(status).equals(serialization.asJson(vmi.getStatus()))) {
            VmiPhase before = vmi.getStatus() == null ? null : vmi.getStatus().getPhase();
            vmi.setStatus(status);
            // The status is computed whole from spec and launcher: last writer wins, no resourceVersion race.
            // One JSON patch "add" of the whole status (RFC 6902: replaces it when present); an unlocked
            // update would GET first, and a merge patch's list semantics vary (fabric8's mock appends).
            client.resource(vmi).subresource("status").patch(PatchContext.of(PatchType.JSON),
                    serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status))));
            if (before != status.getPhase() && status.getPhase() != VmiPhase.Pending
                    && announced.add(vmi.getMetadata().getUid() + "/" + status.getPhase())) {
                // (Pending follows LauncherCreated at once: no event of its own.)
                events.normal(vmi, "Phase" + status.getPhase(), "phase " + status.getPhase());
                if (status.getPhase() == VmiPhase.Running && vmi.getMetadata().getCreationTimestamp() != null) {
                    runningAfter.record(Duration.between(Instant.parse(vmi.getMetadata().getCreationTimestamp()), Instant.now()));
                }
            }
        }
    }

    /**
     * Every node the VM's interfaces may be bound on: those in the status, the launcher pod's (the
     * status may lag behind it) and the node label. Empty when no launcher ever got a node, and
     * then nothing was bound anywhere.
     */
    private Set<String> nodesUsed(VirtualMachineInstance vmi) {
        Set<String> nodes = new LinkedHashSet<>();
        if (vmi.getStatus() != null) {
            vmi.getStatus().getInterfaces().stream().map(VmiStatus.InterfaceStatus::getNode).filter(Objects::nonNull).forEach(nodes::add);
        }
        Pod pod = live.launcher(vmi.getMetadata().getNamespace(), vmi.getMetadata().getName());
        if (pod != null && pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            nodes.add(pod.getSpec().getNodeName());
        }
        Map<String, String> labels = vmi.getMetadata().getLabels();
        if (labels != null && labels.get(VirtualMachineInstance.NODE_LABEL) != null) {
            nodes.add(labels.get(VirtualMachineInstance.NODE_LABEL));
        }
        return nodes;
    }

    @Override
    public void close() {
        events.close();
    }

    /**
     * Deletion: every node the VM used frees its interfaces (its agent does, launcher alive or not),
     * then the finalizer comes off. Until then it is {@link Reconciled.Waiting}, and the agent's
     * answer (or the work queue's backoff) brings the VM instance back.
     */
    private Reconciled finish(VirtualMachineInstance vmi) {
        if (!vmi.getMetadata().getFinalizers().contains(FINALIZER)) {
            return Reconciled.done();
        }
        Set<String> nodes = nodesUsed(vmi);
        Map<String, String> labels = vmi.getMetadata().getLabels();
        if (!nodes.isEmpty() && (labels == null || !labels.containsKey(VirtualMachineInstance.NODE_LABEL))) {
            String node = nodes.iterator().next(); // so that node's agent sees the deletion
            vmi = new MetadataPatch().label(VirtualMachineInstance.NODE_LABEL, node).applyTo(client, vmi);
        }
        for (String node : nodes) {
            Reconciled released;
            try {
                released = releaser.release(vmi, node);
            } catch (RuntimeException e) {
                events.warning(vmi, "ReleaseFailed", "releasing on node " + node + ": " + e.getMessage() + "; retrying");
                throw e;
            }
            if (!released.finished()) {
                return released; // the agent is on it; its answer wakes us
            }
        }
        try {
            MetadataPatch.removeFinalizer(client, vmi, FINALIZER);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return Reconciled.done(); // a stale cache: an earlier pass already let it go
            }
            throw e;
        }
        String uid = vmi.getMetadata().getUid() + "/";
        announced.removeIf(k -> k.startsWith(uid));
        events.normal(vmi, "InterfacesReleased", nodes.isEmpty() ? "no launcher ever ran on a node: nothing to release"
                : "interfaces released on node " + String.join(", ", nodes));
        return Reconciled.done();
    }
}
