package dev.podnic.k8s.controller;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * What a launcher pod reports about its vNICs once bound, as the JSON list in its
 * {@value #ANNOTATION} annotation: one entry per VM interface with the VMI interface the CNI ADD ran
 * for, the guest MAC and the pod-network IPs (CIDR form).
 */
public record LauncherReport(List<Entry> interfaces) {
    public static final String ANNOTATION = "podnic.dev/interfaces";

    public record Entry(@JsonProperty("name") String name, @JsonProperty("interface") String vmiInterface,
                        @JsonProperty("mac") String mac, @JsonProperty("ips") List<String> ips) {
    }

    /** The pod's report, or an empty one when it has not reported yet or reported nonsense. */
    public static LauncherReport of(Pod pod, KubernetesSerialization serialization) {
        Map<String, String> annotations = pod == null ? null : pod.getMetadata().getAnnotations();
        String json = annotations == null ? null : annotations.get(ANNOTATION);
        if (json == null || json.isBlank()) {
            return new LauncherReport(List.of());
        }
        try {
            return new LauncherReport(List.of(serialization.unmarshal(json, Entry[].class)));
        } catch (RuntimeException e) {
            return new LauncherReport(List.of());
        }
    }

    public Entry find(String name) {
        return interfaces.stream().filter(e -> name.equals(e.name())).findFirst().orElse(null);
    }
}
