package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.k8s.objects.MetadataPatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

/** One-request metadata writes: merged keys need no read, read-dependent values are refused when stale. */
@EnableKubernetesMockClient(crud = true)
class MetadataPatchTest {
    static KubernetesClient client;

    private Pod create(String name) {
        return client.pods().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .addToAnnotations("theirs", "1").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i")
                .endContainer().endSpec().build()).create();
    }

    @Test
    void labelsAndAnnotationsMergeWithWhatOthersWroteMeanwhile() {
        Pod read = create("p1");
        client.pods().inNamespace("ns").withName("p1").edit(p -> {
            p.getMetadata().getAnnotations().put("other", "2"); // someone else, after our read
            return p;
        });
        new MetadataPatch().annotation("ours", "3").label("l", "v").applyTo(client, read);
        Pod now = client.pods().inNamespace("ns").withName("p1").get();
        assertThat(now.getMetadata().getAnnotations()).containsEntry("theirs", "1").containsEntry("other", "2").containsEntry("ours", "3");
        assertThat(now.getMetadata().getLabels()).containsEntry("l", "v");
    }

    @Test
    void whatDependsOnTheReadIsRefusedOnceTheObjectChanged() {
        Pod read = create("p2");
        Pod withFinalizer = MetadataPatch.addFinalizer(client, read, "podnic.dev/test");
        assertThat(withFinalizer.getMetadata().getFinalizers()).containsExactly("podnic.dev/test");
        // `read` is stale now: a second add computed from it, or a guarded value, must not land.
        assertThatThrownBy(() -> MetadataPatch.addFinalizer(client, read, "podnic.dev/other")).isInstanceOf(KubernetesClientException.class);
        assertThatThrownBy(() -> new MetadataPatch().annotation("a", "b").guardedBy(read.getMetadata().getResourceVersion())
                .applyTo(client, read)).isInstanceOf(KubernetesClientException.class);
        Pod without = MetadataPatch.removeFinalizer(client, withFinalizer, "podnic.dev/test");
        assertThat(without.getMetadata().getFinalizers()).isEmpty();
        assertThat(client.pods().inNamespace("ns").withName("p2").get().getMetadata().getAnnotations()).doesNotContainKey("a");
    }
}
