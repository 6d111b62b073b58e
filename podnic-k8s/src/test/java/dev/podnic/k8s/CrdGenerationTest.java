package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD in deploy/crds is what fabric8's generator makes of the Java model: regenerate it with
 * {@code mvn -pl podnic-k8s test -Dpodnic.writeCrds} after changing the model.
 */
class CrdGenerationTest {
    static final String FILE = "virtualmachineinstances.podnic.dev-v1.yml";
    static final Path COMMITTED = Path.of("..", "deploy", "crds", FILE);

    static String generated;
    static JSONSchemaProps spec;

    @BeforeAll
    static void generate(@TempDir Path dir) throws IOException {
        int n = new CRDGenerator()
                .customResourceClasses(VirtualMachineInstance.class)
                .forCRDVersions("v1")
                .inOutputDir(dir.toFile())
                .generate();
        assertThat(n).isEqualTo(1);
        generated = Files.readString(dir.resolve(FILE));
        if (System.getProperty("podnic.writeCrds") != null) {
            Files.writeString(COMMITTED, generated);
        }
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(generated, CustomResourceDefinition.class);
        spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    @Test
    void committedCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(COMMITTED))
                .as("deploy/crds/%s is stale; regenerate: mvn -pl podnic-k8s test -Dpodnic.writeCrds", FILE)
                .isEqualTo(generated);
    }

    @Test
    void crdNamesAndScope() {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(generated, CustomResourceDefinition.class);
        assertThat(crd.getMetadata().getName()).isEqualTo("virtualmachineinstances.podnic.dev");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("pvmi");
        assertThat(crd.getSpec().getVersions().get(0).getSubresources().getStatus())
                .as("status is a subresource: users cannot write it with the spec").isNotNull();
    }

    @Test
    void interfacesAreValidatedByTheSchemaInBothForms() {
        JSONSchemaProps devices = spec.getProperties().get("domain").getProperties().get("devices");
        JSONSchemaProps interfaces = devices.getProperties().get("interfaces");
        assertThat(interfaces.getMaxItems()).isEqualTo(16L);
        assertThat(rules(interfaces)).containsExactlyInAnyOrder("duplicate interface name", "duplicate MAC address",
                "interfaces are all in the seed's form (type: pod-network) or all in KubeVirt's (bridge: {})");
        JSONSchemaProps item = interfaces.getItems().getSchema();
        assertThat(item.getRequired()).as("which fields are required depends on the form: CEL rules").isNullOrEmpty();
        assertThat(item.getProperties()).containsKeys("name", "bridge", "macAddress", "model", "type", "mac")
                .doesNotContainKeys("masquerade", "sriov", "slirp", "passt", "macvtap");
        assertThat(item.getProperties().get("model").getXKubernetesPreserveUnknownFields())
                .as("a string in KubeVirt's form, an object in the seed's").isTrue();
        assertThat(item.getProperties().get("model").getType()).isNull();
        assertThat(rules(item.getProperties().get("macAddress"))).containsExactly("the all-zero MAC is not a NIC address");
        assertThat(rules(item.getProperties().get("mac").getProperties().get("address"))).containsExactly("the all-zero MAC is not a NIC address");
        assertThat(rules(item)).hasSize(5);
    }

    @Test
    void kubectlGetShowsPhaseNodeAndAddress() throws IOException {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(generated, CustomResourceDefinition.class);
        assertThat(crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns())
                .extracting(c -> c.getName() + "=" + c.getJsonPath())
                .as("the generator orders them by path") // Age, vNICs (-o wide), IP, Node, Phase
                .containsExactlyInAnyOrder("Phase=.status.phase", "Node=.status.interfaces[0].node",
                        "IP=.status.interfaces[0].ipAddresses[0]", "vNICs=.status.interfaces[*].name", "Age=.metadata.creationTimestamp");
    }

    @Test
    void networksMustPairWithInterfaces() {
        assertThat(spec.getRequired()).contains("domain");
        assertThat(rules(spec)).containsExactlyInAnyOrder(
                "every interface with bridge: {} needs a network of the same name in spec.networks",
                "every network in spec.networks needs an interface of the same name (seed-form interfaces take none)",
                "spec is immutable: delete the VM instance and create it again");
        JSONSchemaProps network = spec.getProperties().get("networks").getItems().getSchema();
        assertThat(network.getRequired()).containsExactlyInAnyOrder("name", "pod");
        assertThat(network.getProperties()).doesNotContainKey("multus");
    }

    static List<String> rules(JSONSchemaProps p) {
        return p.getXKubernetesValidations().stream().map(ValidationRule::getMessage).toList();
    }
}
