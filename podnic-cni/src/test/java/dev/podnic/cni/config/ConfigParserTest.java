package dev.podnic.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.version.SpecVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigParserTest {
    private final ConfigParser parser = new ConfigParser();

    private NetworkConfigList list(String json) {
        return parser.parseList(json.getBytes(StandardCharsets.UTF_8), "/etc/cni/net.d/10-x.conflist");
    }

    @Test
    void parsesAList() {
        NetworkConfigList l = list("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"disableCheck\":\"true\",\"plugins\":["
                + "{\"type\":\"bridge\",\"capabilities\":{\"mac\":true,\"ips\":false}},{\"type\":\"tuning\"}]}");
        assertThat(l.name()).isEqualTo("podnet");
        assertThat(l.cniVersion()).isEqualTo(SpecVersion.V1_0_0);
        assertThat(l.disableCheck()).isTrue();
        assertThat(l.plugins()).extracting(PluginConfig::type).containsExactly("bridge", "tuning");
        assertThat(l.plugins().get(0).hasCapability("mac")).isTrue();
        assertThat(l.plugins().get(0).hasCapability("ips")).isFalse();
    }

    @Test
    void wrapsASingleConfAsAOnePluginList() throws Exception {
        String conf = "{\"cniVersion\":\"0.4.0\",\"name\":\"lo\",\"type\":\"loopback\"}";
        NetworkConfigList l = parser.parseSingle(conf.getBytes(StandardCharsets.UTF_8), "99-lo.conf");
        assertThat(l.name()).isEqualTo("lo");
        assertThat(l.plugins()).extracting(PluginConfig::type).containsExactly("loopback");
        assertThat(new ObjectMapper().readTree(l.bytes()).toString())
                .isEqualTo("{\"cniVersion\":\"0.4.0\",\"name\":\"lo\",\"plugins\":[" + conf + "]}");
    }

    @Test
    void singleConfWithoutVersionIsLegacy010() {
        NetworkConfigList l = parser.parseSingle("{\"name\":\"old\",\"type\":\"bridge\"}".getBytes(StandardCharsets.UTF_8), "x.conf");
        assertThat(l.cniVersion()).isEqualTo(SpecVersion.V0_1_0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]            | /etc/cni/net.d/10-x.conflist: not valid JSON",
        "[1,2]                                                                          | /etc/cni/net.d/10-x.conflist: must be a JSON object, got [1,2]",
        "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}                          | field \"name\": missing",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"a b\",\"plugins\":[{\"type\":\"bridge\"}]}           | field \"name\": must start with a letter or digit",
        "{\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]}                                   | field \"cniVersion\": missing (expected one of 0.1.0",
        "{\"cniVersion\":\"2.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]}             | field \"cniVersion\": unsupported version \"2.0.0\"",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}                                              | field \"plugins\": missing",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[]}                                 | field \"plugins\": must be a non-empty array",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"},{}]}           | field \"plugins[1].type\": missing",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"../../bin/sh\"}]}        | field \"plugins[0].type\": must be a plugin binary name",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"b\",\"capabilities\":{\"mac\":1}}]} | field \"plugins[0].capabilities.mac\": must be true or false",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"disableCheck\":\"maybe\",\"plugins\":[{\"type\":\"b\"}]} | field \"disableCheck\": must be true or false"})
    void errorsNameFileAndField(String json, String expected) {
        assertThatThrownBy(() -> list(json.strip()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/etc/cni/net.d/10-x.conflist")
                .hasMessageContaining(expected.strip());
    }

    @Test
    void configErrorsCarryCode7() {
        try {
            list("{}");
        } catch (ConfigException e) {
            assertThat(e.error().code()).isEqualTo(7);
            assertThat(e.field()).isEqualTo("name");
            return;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
