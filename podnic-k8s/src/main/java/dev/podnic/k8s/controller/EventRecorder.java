package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Core/v1 Events on a VM instance, so {@code kubectl describe pvmi} tells the story. Best effort and
 * off the reconcile path (like client-go's broadcaster): a worker never waits for an event write.
 */
public final class EventRecorder implements AutoCloseable {
    private final KubernetesClient client;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "podnic-events");
        t.setDaemon(true);
        return t;
    });

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Writes the events already recorded, then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void normal(VirtualMachineInstance vmi, String reason, String message) {
        record(vmi, "Normal", reason, message);
    }

    public void warning(VirtualMachineInstance vmi, String reason, String message) {
        record(vmi, "Warning", reason, message);
    }

    private void record(VirtualMachineInstance vmi, String type, String reason, String message) {
        try {
            writer.execute(() -> write(vmi, type, reason, message, Instant.now().toString()));
        } catch (RejectedExecutionException e) {
            // Closing: the event is dropped, as any best-effort event may be.
        }
    }

    private void write(VirtualMachineInstance vmi, String type, String reason, String message, String now) {
        try {
            client.v1().events().inNamespace(vmi.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withName(vmi.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(vmi.getApiVersion()).withKind(vmi.getKind())
                        .withName(vmi.getMetadata().getName()).withNamespace(vmi.getMetadata().getNamespace())
                        .withUid(vmi.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withEventTime(new MicroTime(now)).withCount(1)
                    .withNewSource().withComponent("podnic-controller").endSource()
                    .withReportingComponent("podnic-controller").withReportingInstance("podnic-controller")
                    .withAction(reason)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event that cannot be written must not stop reconciliation.
        }
    }
}
