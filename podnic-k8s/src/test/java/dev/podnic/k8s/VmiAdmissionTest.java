package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnic.k8s.admission.VmiAdmission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VmiAdmissionTest {
    private final VmiAdmission admission = new VmiAdmission();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void admitsTheKubeVirtFormExample() throws IOException {
        JsonNode out = review("CREATE", exampleObject());
        assertThat(out.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(out.path("response").path("uid").asText()).isEqualTo("7f0b2c6e-1");
        assertThat(out.path("response").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void deniesWithEveryProblemNamedByFieldAndValue() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode bad = yaml.readTree("""
                apiVersion: podnic.dev/v1alpha1
                kind: VirtualMachineInstance
                metadata: {name: vm1, namespace: team-a}
                spec:
                  domain:
                    devices:
                      interfaces:
                      - {name: default, bridge: {}, macAddress: "01:00:5e:00:00:01"}
                      - {name: second, masquerade: {}}
                  networks:
                  - {name: default, pod: {}}
                  - {name: second, pod: {}}
                """);
        JsonNode response = review("UPDATE", bad).path("response");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(422);
        assertThat(response.path("status").path("message").asText())
                .startsWith("VirtualMachineInstance team-a/vm1: ")
                .contains("spec.domain.devices.interfaces[0].macAddress = \"01:00:5e:00:00:01\": a multicast")
                .contains("spec.domain.devices.interfaces[1].masquerade: binding masquerade is not supported");
    }

    @Test
    void anUpdateMayChangeMetadataButNotTheSpec() throws IOException {
        JsonNode old = exampleObject();
        JsonNode relabelled = old.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) relabelled.path("metadata")).putObject("labels").put("team", "a");
        assertThat(review("UPDATE", relabelled, old).path("response").path("allowed").asBoolean()).isTrue();
        JsonNode changed = old.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) changed.path("spec").path("domain").path("devices").path("interfaces"))
                .remove(1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) changed.path("spec").path("networks")).remove(1);
        JsonNode response = review("UPDATE", changed, old).path("response");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asText()).endsWith(VmiAdmission.IMMUTABLE);
    }

    @Test
    void deleteIsAlwaysAdmitted() throws IOException {
        assertThat(review("DELETE", null).path("response").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void refusesSomethingThatIsNoAdmissionRequest() {
        assertThatThrownBy(() -> admission.review("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request.uid");
    }

    private JsonNode review(String operation, JsonNode object) throws IOException {
        return review(operation, object, null);
    }

    private JsonNode review(String operation, JsonNode object, JsonNode oldObject) throws IOException {
        var request = json.createObjectNode()
                .put("uid", "7f0b2c6e-1")
                .put("operation", operation)
                .put("namespace", object == null ? "default" : object.path("metadata").path("namespace").asText("default"))
                .put("name", object == null ? "vm1" : object.path("metadata").path("name").asText());
        request.putObject("kind").put("group", "podnic.dev").put("version", "v1alpha1").put("kind", "VirtualMachineInstance");
        if (object != null) {
            request.set("object", object);
        }
        if (oldObject != null) {
            request.set("oldObject", oldObject);
        }
        var in = json.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        in.set("request", request);
        return json.readTree(admission.review(json.writeValueAsString(in)));
    }

    private JsonNode exampleObject() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        return yaml.readTree(Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml")));
    }
}
