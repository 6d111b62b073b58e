package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.NicModel;
import dev.podnic.api.SpecException;
import dev.podnic.api.VmiParser;
import dev.podnic.k8s.crd.VmiInterface;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The CRD's patterns and the parser agree: what one accepts, the other accepts. */
class SchemaMatchesParserTest {
    private final VmiParser parser = new VmiParser();

    @ParameterizedTest
    @ValueSource(strings = {"02:00:00:00:00:01", "00:11:22:33:44:55", "AA-BB-CC-DD-EE-FF", "01:00:5e:00:00:01",
            "ff:ff:ff:ff:ff:ff", "02:00:00:00:00", "02:00:00:00:00:0g", "0200.0000.0001", "2:0:0:0:0:1", ""})
    void macPattern(String mac) {
        boolean schema = Pattern.compile(VmiInterface.MAC_PATTERN).matcher(mac).find()
                && !mac.matches("^(00[:-]){5}00$");
        assertThat(schema).as(mac).isEqualTo(parserAccepts("macAddress: \"" + mac + "\"", "default"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "nic-1", "a", "abcdefghijklmno", "abcdefghijklmnop", "Default", "-a", "a-", "a_b", "a.b"})
    void namePattern(String name) {
        boolean schema = Pattern.compile(VmiInterface.NAME_PATTERN).matcher(name).find();
        assertThat(schema).as(name).isEqualTo(parserAccepts("model: virtio", name));
    }

    @Test
    void theModelListIsEveryModel() {
        assertThat(VmiInterface.MODELS).isEqualTo(Arrays.stream(NicModel.values()).map(m -> "'" + m.libvirtName() + "'")
                .collect(java.util.stream.Collectors.joining(", ", "[", "]")));
        assertThat(parserAccepts("model: rtl8029", "default")).isFalse();
    }

    private boolean parserAccepts(String extraField, String name) {
        String vmi = """
                kind: VirtualMachineInstance
                metadata: {name: vm1}
                spec:
                  domain:
                    devices:
                      interfaces:
                      - name: "%s"
                        bridge: {}
                        %s
                  networks:
                  - name: "%s"
                    pod: {}
                """.formatted(name, extraField, name);
        try {
            parser.parse(vmi.getBytes(StandardCharsets.UTF_8), "test");
            return true;
        } catch (SpecException e) {
            return false;
        }
    }
}
