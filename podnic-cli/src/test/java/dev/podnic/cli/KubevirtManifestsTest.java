package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnic.shim.CniShim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubevirt/ against KubeVirt's contract as its API defines it: the binding registered in the
 * KubeVirt CR names this version's image and the NetworkAttachmentDefinition that exists, that NAD
 * runs podnic-shim, and the example VM binds its interfaces to the registered name. (The image started as
 * KubeVirt starts a binding sidecar: ImageIT and SidecarUnderKubevirtIT.)
 */
class KubevirtManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "kubevirt");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(Files.readString(DIR.resolve(file)));
    }

    @Test
    void theRegisteredBindingNamesTheImageAndTheNadThatRunsPodnicCni() throws IOException {
        JsonNode binding = read("kubevirt-cr-patch.yaml").path("spec").path("configuration").path("network").path("binding").path("podnic");
        assertThat(binding.path("sidecarImage").asText()).isEqualTo("podnic/podnic:0.1.0");
        assertThat(binding.path("migration").path("method").asText()).as("KubeVirt's InterfaceBindingMigrationMethod")
                .isEqualTo("link-refresh"); // LiveMigrationIT: the guest moves to the target pod's addresses
        assertThat(binding.has("domainAttachmentType")).as("the sidecar writes the domain interface").isFalse();

        JsonNode nad = read("binding.yaml");
        assertThat(nad.path("apiVersion").asText()).isEqualTo("k8s.cni.cncf.io/v1");
        assertThat(nad.path("kind").asText()).isEqualTo("NetworkAttachmentDefinition");
        assertThat(binding.path("networkAttachmentDefinition").asText())
                .isEqualTo(nad.path("metadata").path("namespace").asText() + "/" + nad.path("metadata").path("name").asText());
        JsonNode config = new ObjectMapper().readTree(nad.path("spec").path("config").asText());
        assertThat(config.path("type").asText()).isEqualTo(CniShim.NAME);
        assertThat(config.path("cniVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void theExampleVmBindsItsPodNetworkInterfaceToTheRegisteredName() throws IOException {
        JsonNode vm = read("example-vm.yaml");
        assertThat(vm.path("apiVersion").asText()).isEqualTo("kubevirt.io/v1");
        JsonNode spec = vm.path("spec").path("template").path("spec");
        JsonNode iface = spec.path("domain").path("devices").path("interfaces").get(0);
        assertThat(iface.path("binding").path("name").asText()).isEqualTo("podnic");
        assertThat(spec.path("networks").get(0).path("name").asText()).isEqualTo(iface.path("name").asText());
        assertThat(spec.path("networks").get(0).has("pod")).isTrue();
    }
}
