package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnic.api.SpecException;
import dev.podnic.api.VmiParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole VM instances, in KubeVirt's interface form and in the seed's, through the committed CRD — its
 * schema and its CEL rules, evaluated as the API server would (see {@link CrdValidator}) — and through
 * podnic's parser: both must say the same, except where the table says why not (then the webhook,
 * which runs the parser, refuses it).
 */
class CrdAcceptsWhatTheParserAcceptsTest {
    private static CrdValidator crd;
    private static final Set<String> RULES_SEEN = new LinkedHashSet<>();
    private final VmiParser parser = new VmiParser();

    @BeforeAll
    static void load() throws Exception {
        crd = new CrdValidator(Path.of("..", "deploy", "crds", "virtualmachineinstances.podnic.dev-v1.yml"));
    }

    @AfterAll
    static void everyRuleWasSeenRefusing() {
        assertThat(RULES_SEEN).as("each CEL rule refused something in the table").containsAll(crd.ruleMessages());
    }

    /** Interfaces and networks as short specs: "name[:mac][:model]" and network names; "-" for none. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                              | interfaces                                  | networks          | crd | parser
            the example                         | default:00:11:22:33:44:55:virtio,second      | default,second    | ok  | ok
            no interfaces at all                | -                                           | -                 | ok  | ok
            uppercase and dashed MAC            | a:AA-BB-CC-DD-EE-FE                          | a                 | ok  | ok
            every model                         | a::e1000,b::e1000e,c::igb,d::rtl8139,e::pcnet | a,b,c,d,e         | ok  | ok
            duplicate interface name            | a,a                                         | a                 | no  | no
            duplicate MAC                       | a:02:00:00:00:00:01,b:02:00:00:00:00:01      | a,b               | no  | no
            duplicate MAC, other case           | a:0a:00:00:00:00:01,b:0A:00:00:00:00:01      | a,b               | no  | no
            duplicate MAC, dash vs colon        | a:02:00:00:00:00:01,b:02-00-00-00-00-01      | a,b               | ok  | no
            interface without network           | a,b                                         | a                 | no  | no
            network without interface           | a                                           | a,b               | no  | no
            duplicate network name              | a                                           | a,a               | no  | no
            all-zero MAC                        | a:00:00:00:00:00:00                          | a                 | no  | no
            multicast MAC                       | a:01:00:5e:00:00:01                          | a                 | no  | no
            unknown model                       | a::rtl8029                                  | a                 | no  | no
            name with capitals                  | Default                                     | Default           | no  | no
            name too long                       | abcdefghijklmnop                            | abcdefghijklmnop  | no  | no
            17 interfaces                       | @17                                         | @17               | no  | no
            """)
    void sameVerdict(String name, String interfaces, String networks, String crdVerdict, String parserVerdict) throws Exception {
        verdicts(name, vmi(interfaces, networks), crdVerdict, parserVerdict);
    }

    /** The seed's interface form inside the CRD's kind; interfaces as YAML flow items, ";" between them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                              | interfaces                                                                   | networks | crd | parser
            the seed's example                  | {type: pod-network, mac: {address: '00:11:22:33:44:55'}, model: {type: virtio}} | -        | ok  | ok
            two, one MAC defaulted              | {type: pod-network, model: {type: e1000}};{type: pod-network}                | -        | ok  | ok
            with networks                       | {type: pod-network}                                                          | a        | no  | no
            with a name                         | {type: pod-network, name: a}                                                 | -        | no  | no
            with bridge too                     | {type: pod-network, bridge: {}}                                              | -        | no  | no
            with macAddress                     | {type: pod-network, macAddress: '02:00:00:00:00:01'}                         | -        | no  | no
            model as a string                   | {type: pod-network, model: virtio}                                           | -        | no  | no
            unknown model                       | {type: pod-network, model: {type: rtl8029}}                                  | -        | no  | no
            other type                          | {type: sriov}                                                                | -        | no  | no
            duplicate MAC                       | {type: pod-network, mac: {address: '02:00:00:00:00:01'}};{type: pod-network, mac: {address: '02:00:00:00:00:01'}} | - | no | no
            all-zero MAC                        | {type: pod-network, mac: {address: '00:00:00:00:00:00'}}                     | -        | no  | no
            multicast MAC                       | {type: pod-network, mac: {address: '01:00:5e:00:00:01'}}                     | -        | no  | no
            forms mixed                         | {type: pod-network};{name: a, bridge: {}}                                    | a        | no  | no
            KubeVirt form with mac.address      | {name: a, bridge: {}, mac: {address: '02:00:00:00:00:01'}}                   | a        | no  | no
            KubeVirt form with a seed model     | {name: a, bridge: {}, model: {type: virtio}}                                 | a        | no  | no
            """)
    void sameVerdictInTheSeedsForm(String name, String interfaces, String networks, String crdVerdict, String parserVerdict)
            throws Exception {
        StringBuilder y = new StringBuilder("apiVersion: podnic.dev/v1alpha1\nkind: VirtualMachineInstance\n"
                + "metadata: {name: vm1, namespace: team-a}\nspec:\n  domain:\n    devices:\n      interfaces:\n");
        for (String i : interfaces.split(";")) {
            y.append("      - ").append(i.strip()).append('\n');
        }
        if (!networks.equals("-")) {
            y.append("  networks:\n");
            list(networks).forEach(n -> y.append("  - {name: ").append(n).append(", pod: {}}\n"));
        }
        verdicts(name, y.toString(), crdVerdict, parserVerdict);
    }

    private void verdicts(String name, String yaml, String crdVerdict, String parserVerdict) throws Exception {
        List<String> violations = crd.validate(new ObjectMapper(new YAMLFactory()).readTree(yaml));
        violations.forEach(v -> RULES_SEEN.add(v.replaceFirst(".*Invalid value: ", "")));
        assertThat(violations.isEmpty()).as(name + " through the CRD: " + violations).isEqualTo(crdVerdict.equals("ok"));
        assertThat(parses(yaml)).as(name + " through the parser").isEqualTo(parserVerdict.equals("ok"));
    }

    @org.junit.jupiter.api.Test
    void anUpdateMayNotChangeTheSpec() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode old = yaml.readTree(vmi("default,second", "default,second"));
        JsonNode relabelled = yaml.readTree(vmi("default,second", "default,second").replace("metadata: {name: vm1,",
                "metadata: {labels: {team: a}, name: vm1,"));
        assertThat(crd.validateUpdate(old, relabelled)).isEmpty();
        List<String> violations = crd.validateUpdate(old, yaml.readTree(vmi("default", "default")));
        violations.forEach(v -> RULES_SEEN.add(v.replaceFirst(".*Invalid value: ", "")));
        assertThat(violations).containsExactly(".spec: Invalid value: spec is immutable: delete the VM instance and create it again");
    }

    private boolean parses(String yaml) {
        try {
            parser.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
            return true;
        } catch (SpecException e) {
            return false;
        }
    }

    private static String vmi(String interfaces, String networks) {
        StringBuilder y = new StringBuilder("""
                apiVersion: podnic.dev/v1alpha1
                kind: VirtualMachineInstance
                metadata: {name: vm1, namespace: team-a}
                spec:
                  domain:
                    devices:
                """);
        List<String> nics = list(interfaces);
        if (nics.isEmpty()) {
            y.append("      {}\n");
        } else {
            y.append("      interfaces:\n");
            for (String nic : nics) {
                String[] p = nic.split(":", 2);
                y.append("      - name: \"").append(p[0]).append("\"\n        bridge: {}\n");
                if (p.length > 1) {
                    int lastColon = p[1].lastIndexOf(':');
                    String rest = p[1];
                    String model = null;
                    if (rest.startsWith(":")) { // "name::model"
                        model = rest.substring(1);
                        rest = "";
                    } else if (rest.chars().filter(c -> c == ':').count() == 6) { // "name:mac:model"
                        model = rest.substring(lastColon + 1);
                        rest = rest.substring(0, lastColon);
                    }
                    if (!rest.isEmpty()) {
                        y.append("        macAddress: \"").append(rest).append("\"\n");
                    }
                    if (model != null) {
                        y.append("        model: ").append(model).append('\n');
                    }
                }
            }
        }
        List<String> nets = list(networks);
        if (!nets.isEmpty()) {
            y.append("  networks:\n");
            nets.forEach(n -> y.append("  - name: \"").append(n).append("\"\n    pod: {}\n"));
        }
        return y.toString();
    }

    /** "a,b", "-" (none) or "@N" (n0..nN-1). */
    private static List<String> list(String spec) {
        if (spec.equals("-")) {
            return List.of();
        }
        if (spec.startsWith("@")) {
            return IntStream.range(0, Integer.parseInt(spec.substring(1))).mapToObj(i -> "n" + i).collect(Collectors.toList());
        }
        return new ArrayList<>(List.of(spec.split(",")));
    }
}
