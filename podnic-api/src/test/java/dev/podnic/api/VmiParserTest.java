package dev.podnic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.inet.MacAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VmiParserTest {
    private final VmiParser parser = new VmiParser();

    private VmiSpec parse(String yaml) {
        return parser.parse(yaml.getBytes(StandardCharsets.UTF_8), "vmi.yaml");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VmiParserTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theSeedExample() throws IOException {
        VmiSpec s = parser.parse(resource("seed-vmi.yaml"), "seed-vmi.yaml");
        assertThat(s.form()).isEqualTo(VmiSpec.Form.SEED);
        assertThat(s.name()).isEqualTo("testvm");
        assertThat(s.namespace()).isEqualTo("default");
        assertThat(s.nics()).singleElement().satisfies(n -> {
            assertThat(n.mac()).isEqualTo(MacAddress.parse("00:11:22:33:44:55"));
            assertThat(n.macGenerated()).isFalse();
            assertThat(n.model()).isEqualTo(NicModel.VIRTIO);
            assertThat(n.name()).isEqualTo("nic0");
            assertThat(n.vmiInterface()).isEqualTo("vmi0");
        });
    }

    @Test
    void theKubeVirtExampleDefaultsTheSecondMacStably() throws IOException {
        VmiSpec s = parser.parse(resource("kubevirt-form-vmi.yaml"), "kubevirt-form-vmi.yaml");
        assertThat(s.form()).isEqualTo(VmiSpec.Form.KUBEVIRT);
        assertThat(s.nics()).extracting(VNic::name).containsExactly("default", "second");
        VNic second = s.nics().get(1);
        assertThat(second.macGenerated()).isTrue();
        assertThat(second.mac().isUnicast()).isTrue();
        assertThat(second.mac().bytes()[0] & 0x02).as("locally administered").isEqualTo(2);
        assertThat(second.mac()).isEqualTo(VmNames.of("default/testvm").defaultMac(1));
        assertThat(parser.parse(resource("kubevirt-form-vmi.yaml"), "again").nics().get(1).mac()).isEqualTo(second.mac());
        assertThat(VmNames.of("default/othervm").defaultMac(1)).isNotEqualTo(second.mac());
        assertThat(second.vmiInterface()).isEqualTo("vmi1");
    }

    @Test
    void uidIsTheIdentityWhenPresentAndModelsAndDashMacsAreAccepted() {
        VmiSpec s = parse("""
                kind: VirtualMachine
                metadata: {name: vm1, namespace: team-a, uid: 6b7c0d6e-1111-2222-3333-444455556666}
                spec:
                  domain:
                    devices:
                      interfaces:
                      - type: pod-network
                        model: {type: e1000e}
                      - type: pod-network
                        mac: {address: 02-00-00-00-00-2A}
                """);
        assertThat(s.identity()).isEqualTo("6b7c0d6e-1111-2222-3333-444455556666");
        assertThat(s.nics().get(0).model()).isEqualTo(NicModel.E1000E);
        assertThat(s.nics().get(0).mac()).isEqualTo(VmNames.of(s.identity()).defaultMac(0));
        assertThat(s.nics().get(1).mac().toString()).isEqualTo("02:00:00:00:00:2a");
    }

    @Test
    void aKubeVirtVirtualMachineTemplateIsRead() {
        VmiSpec s = parse("""
                kind: VirtualMachine
                metadata: {name: vm1}
                spec:
                  template:
                    spec:
                      domain: {devices: {interfaces: [{name: default, bridge: {}}]}}
                      networks: [{name: default, pod: {}}]
                """);
        assertThat(s.form()).isEqualTo(VmiSpec.Form.KUBEVIRT);
        assertThat(s.nics()).hasSize(1);
    }

    private static final String SEED = "kind: VirtualMachine\nmetadata: {name: vm1}\nspec: {domain: {devices: {interfaces: [%s]}}}";
    private static final String KV = "kind: VirtualMachineInstance\nmetadata: {name: vm1}\n"
            + "spec: {domain: {devices: {interfaces: [%s]}}, networks: [%s]}";

    /** Every bad spec names the field and value; nothing here may parse. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        not YAML                 | 'kind: [unclosed'                                                                               | not valid YAML
        unknown kind             | 'kind: Pod\nmetadata: {name: x}'                                                                | kind = "Pod"
        missing name             | 'kind: VirtualMachine\nspec: {domain: {devices: {interfaces: []}}}'                             | metadata.name: missing
        missing spec             | 'kind: VirtualMachineInstance\nmetadata: {name: x}'                                             | spec: missing; a VM's interfaces are in spec.domain.devices.interfaces
        missing template spec    | 'kind: VirtualMachine\nmetadata: {name: x}\nspec: {template: {metadata: {}}}'                   | spec.template.spec: missing
        spec not an object       | 'kind: VirtualMachine\nmetadata: {name: x}\nspec: 3'                                           | spec = "3": must be an object
        not an object            | '[1, 2]'                                                                                        | = "[1,2]": expected a VirtualMachine
        bad name                 | 'kind: VirtualMachine\nmetadata: {name: My_VM}'                                                 | metadata.name = "My_VM"
        interfaces not a list    | 'kind: VirtualMachine\nmetadata: {name: vm1}\nspec: {domain: {devices: {interfaces: 3}}}'      | spec.domain.devices.interfaces = "3": must be a list
        missing type             | SEED:{mac: {address: '02:00:00:00:00:01'}}                                                      | interfaces[0].type: missing; expected pod-network
        unknown type             | SEED:{type: host-device}                                                                        | interfaces[0].type = "host-device": unknown interface type
        malformed MAC            | SEED:{type: pod-network, mac: {address: '00:11:22:33:44'}}                                     | interfaces[0].mac.address = "00:11:22:33:44": not a MAC address
        multicast MAC            | SEED:{type: pod-network, mac: {address: '01:00:5e:00:00:01'}}                                  | a multicast/broadcast MAC
        broadcast MAC            | SEED:{type: pod-network, mac: {address: 'ff:ff:ff:ff:ff:ff'}}                                  | a multicast/broadcast MAC
        zero MAC                 | SEED:{type: pod-network, mac: {address: '00:00:00:00:00:00'}}                                  | the all-zero MAC
        duplicate MACs           | SEED:{type: pod-network, mac: {address: '02:00:00:00:00:01'}}, {type: pod-network, mac: {address: '02:00:00:00:00:01'}} | interfaces[1].mac.address = "02:00:00:00:00:01": duplicate MAC (also spec.domain.devices.interfaces[0].mac.address)
        unknown model            | SEED:{type: pod-network, model: {type: vmxnet3}}                                                | interfaces[0].model.type = "vmxnet3": unknown NIC model; accepted: virtio, e1000
        interface without network| KV:{name: default, bridge: {}};;{name: other, pod: {}}                                           | interfaces[0].name = "default": no network of that name
        network without interface| KV:{name: default, bridge: {}};;{name: default, pod: {}}, {name: spare, pod: {}}                 | networks[1].name = "spare": no interface uses this network
        unsupported binding      | KV:{name: default, masquerade: {}};;{name: default, pod: {}}                                     | interfaces[0].masquerade: binding masquerade is not supported
        no binding               | KV:{name: default};;{name: default, pod: {}}                                                     | no binding; expected bridge: {}
        multus network           | KV:{name: default, bridge: {}};;{name: default, multus: {networkName: x}}                        | multus networks are not supported
        name too long for Linux  | KV:{name: a-very-long-interface, bridge: {}};;{name: a-very-long-interface, pod: {}}             | it names Linux interfaces
        name with underscore     | KV:{name: my_nic, bridge: {}};;{name: my_nic, pod: {}}                                           | interfaces[0].name = "my_nic"
        duplicate interface name | KV:{name: a, bridge: {}}, {name: a, bridge: {}};;{name: a, pod: {}}                              | interfaces[1].name = "a": duplicate interface name
        """)
    void badSpecsAreRejectedWithFieldAndValue(String title, String spec, String expected) {
        String yaml;
        if (spec.startsWith("SEED:")) {
            yaml = String.format(SEED, spec.substring(5));
        } else if (spec.startsWith("KV:")) {
            String[] parts = spec.substring(3).split(";;");
            yaml = String.format(KV, parts[0], parts[1]);
        } else {
            yaml = spec.replace("\\n", "\n");
        }
        assertThatThrownBy(() -> parse(yaml)).as(title).isInstanceOf(SpecException.class).hasMessageContaining(expected);
    }

    @Test
    void aVirtualMachineInstanceMayCarryTheSeedsInterfaces() {
        VmiSpec vmi = parse("""
                apiVersion: podnic.dev/v1alpha1
                kind: VirtualMachineInstance
                metadata: {name: vm1, uid: u-1}
                spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}, model: {type: e1000}},
                                                         {type: pod-network}]}}}
                """);
        assertThat(vmi.form()).isEqualTo(VmiSpec.Form.SEED);
        assertThat(vmi.nics()).extracting(VNic::name).containsExactly("nic0", "nic1");
        assertThat(vmi.nics().get(0).model()).isEqualTo(NicModel.E1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        seed with networks       | '{type: pod-network}'                                 | the seed form (type: pod-network) binds to the pod network by itself
        seed with a name         | '{type: pod-network, name: a}'                       | .name = "a": belongs to KubeVirt's form
        seed with bridge         | '{type: pod-network, bridge: {}}'                     | .bridge = "{}": belongs to KubeVirt's form
        seed with macAddress     | '{type: pod-network, macAddress: 02:00:00:00:00:01}'  | .macAddress
        seed model as a string   | '{type: pod-network, model: virtio}'                  | .model = "virtio": the seed form writes model: {type: NAME}
        forms mixed              | '{type: pod-network}, {name: a, bridge: {}}'          | interfaces[1].type: missing; expected pod-network
        """)
    void seedInterfacesInAVirtualMachineInstanceAreTheSeedsForm(String title, String interfaces, String expected) {
        String networks = title.contains("networks") ? ", networks: [{name: a, pod: {}}]" : "";
        String doc = "kind: VirtualMachineInstance\nmetadata: {name: vm1}\nspec: {domain: {devices: {interfaces: [" + interfaces + "]}}"
                + networks + "}";
        assertThatThrownBy(() -> parse(doc)).isInstanceOf(SpecException.class).hasMessageContaining(expected);
    }

    @Test
    void anEmptyFileIsCalledEmpty() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(SpecException.class).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> parse("# only a comment\n")).isInstanceOf(SpecException.class)
                .hasMessageContaining("the file is empty");
    }

    @Test
    void tooManyNics() {
        String nic = "{type: pod-network}";
        String many = String.join(", ", java.util.Collections.nCopies(VmiParser.MAX_NICS + 1, nic));
        assertThatThrownBy(() -> parse(String.format(SEED, many))).hasMessageContaining("too many pod-network interfaces (at most 16");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parse(String.format(SEED, "{type: pod-network, mac: {address: 'zz'}, model: {type: x}}")))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.errors()).hasSize(2));
    }
}
