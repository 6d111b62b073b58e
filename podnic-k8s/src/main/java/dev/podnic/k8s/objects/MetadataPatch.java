package dev.podnic.k8s.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON merge patch (RFC 7386) of an object's metadata, sent without reading the object first:
 * labels and annotations merge key by key, so concurrent writers of other keys cannot be lost; a
 * value computed from what was read is sent with that resourceVersion, and the API server refuses
 * it (409, retried) if the object changed since. Finalizers are a list, which a merge patch would
 * replace whole: they get a JSON patch (RFC 6902) that carries the version and adds or removes one
 * entry. Either way one request instead of the GET + PATCH of a client-side edit.
 */
public final class MetadataPatch {
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    public MetadataPatch label(String key, String value) {
        section("labels").put(key, value);
        return this;
    }

    public MetadataPatch annotation(String key, String value) {
        section("annotations").put(key, value);
        return this;
    }

    /** Refused with 409 unless the object is still at this version: for values computed from what was read. */
    public MetadataPatch guardedBy(String resourceVersion) {
        metadata.put("resourceVersion", resourceVersion);
        return this;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        return (Map<String, Object>) metadata.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    public String json(KubernetesClient client) {
        return client.getKubernetesSerialization().asJson(Map.of("metadata", metadata));
    }

    /** Sends the patch for {@code object} (namespace and name from it); returns the object as patched. */
    public <T extends HasMetadata> T applyTo(KubernetesClient client, T object) {
        return client.resource(object).patch(PatchContext.of(PatchType.JSON_MERGE), json(client));
    }

    /** Adds {@code finalizer} if the object is still at the version it was read at. */
    public static <T extends HasMetadata> T addFinalizer(KubernetesClient client, T object, String finalizer) {
        List<String> now = object.getMetadata().getFinalizers();
        Map<String, Object> add = now == null || now.isEmpty()
                ? Map.of("op", "add", "path", "/metadata/finalizers", "value", List.of(finalizer))
                : Map.of("op", "add", "path", "/metadata/finalizers/-", "value", finalizer);
        return jsonPatch(client, object, add);
    }

    /** Removes {@code finalizer} if the object is still at the version it was read at. */
    public static <T extends HasMetadata> T removeFinalizer(KubernetesClient client, T object, String finalizer) {
        int at = object.getMetadata().getFinalizers().indexOf(finalizer);
        return at < 0 ? object : jsonPatch(client, object, Map.of("op", "remove", "path", "/metadata/finalizers/" + at));
    }

    private static <T extends HasMetadata> T jsonPatch(KubernetesClient client, T object, Map<String, Object> op) {
        // The resourceVersion in the patched object is the API server's precondition (409 when it moved on);
        // a "test" op would do too, but a failed test is a 422 on the API server and a 500 on fabric8's mock.
        List<Map<String, Object>> ops = List.of(
                Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", object.getMetadata().getResourceVersion()), op);
        return client.resource(object).patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(ops));
    }
}

