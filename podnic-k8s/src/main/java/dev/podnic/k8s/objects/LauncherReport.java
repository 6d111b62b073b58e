package dev.podnic.k8s.objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * What is bound for a launcher pod, as the JSON list in its {@value #ANNOTATION} annotation: one
 * entry per VMI interface the CNI ADD ran for, with the pod-network IPs (CIDR form). The node agent
 * writes it from the node daemon's ledger, which knows interfaces, not vNIC names; a launcher that
 * reports itself may add the vNIC's name and guest MAC.
 */
public record LauncherReport(List<Entry> interfaces) {
    public static final String ANNOTATION = "podnic.dev/interfaces";

    @JsonInclude(JsonInclude.Include.NON_NULL)
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

    /** The entry for a vNIC: by its name when the entry has one, else by its VMI interface. */
    public Entry find(String name, String vmiInterface) {
        return interfaces.stream().filter(e -> e.name() != null ? name.equals(e.name()) : vmiInterface.equals(e.vmiInterface()))
                .findFirst().orElse(null);
    }
}
