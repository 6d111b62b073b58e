package dev.podnic.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JsonTrees reads and writes what ObjectMapper does: the same trees (node classes included) and the same text. */
class JsonTreesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni0\",\"isGateway\":true,"
            + "\"ipMasq\":false,\"mtu\":1450,\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.1.0.0/16\"}]],"
            + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}},{\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"512\"}}]}",
        "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"02:00:00:00:00:01\",\"sandbox\":\"/run/netns/p\"}],"
            + "\"ips\":[{\"address\":\"10.1.0.2/16\",\"gateway\":\"10.1.0.1\",\"interface\":0},{\"address\":\"fd00::2/64\"}],"
            + "\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"search\":[\"svc.cluster.local\"]}}",
        "[1, -1, 0, 2147483647, 2147483648, -2147483649, 9223372036854775807, 9223372036854775808, 123456789012345678901234567890]",
        "[1.5, -0.0, 1E2, 1e-7, 3.141592653589793, 1e400, 0.1]",
        "{\"a\":1,\"a\":{\"b\":2},\"c\":[],\"d\":{},\"e\":null,\"f\":true,\"g\":false}",
        "\"caf\\u00e9 \\\"quoted\\\" \\\\ \\n tab\\t \\ud83d\\ude00 \\u0001\"",
        "  {\"x\" : [ [ [ ] ] , { \"y\" : { } } ] }  ",
        "{} trailing content is ignored",
        "null", "true", "42", "\"\"", "", "   \n ",
    })
    void readsAndWritesAsObjectMapperDoes(String json) throws Exception {
        JsonNode theirs = MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8));
        JsonNode ours = JsonTrees.read(json.getBytes(StandardCharsets.UTF_8));
        assertThat(ours).isEqualTo(theirs);
        assertThat(JsonTrees.read(json)).isEqualTo(MAPPER.readTree(json));
        assertSameClasses(ours, theirs);
        if (!theirs.isMissingNode()) {
            assertThat(JsonTrees.write(ours)).isEqualTo(MAPPER.writeValueAsBytes(theirs));
            assertThat(JsonTrees.pretty(ours)).isEqualTo(MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(theirs));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":}", "[1,]", "{'a':1}", "tru", "{\"a\":1 \"b\":2}", "\"open"})
    void rejectsWhatObjectMapperRejectsWithTheSameMessage(String json) {
        String theirs = messageOf(() -> MAPPER.readTree(json));
        assertThatThrownBy(() -> JsonTrees.read(json)).isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage()).isEqualTo(theirs));
    }

    @org.junit.jupiter.api.Test
    void writesTreesBuiltInCodeAsObjectMapperDoes() throws Exception {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("float", 1.5f).put("double", 2.25).put("decimal", new BigDecimal("1E+3")).put("long", 1L << 40).put("bytes", new byte[] {1, 2, 3})
                .putNull("nothing");
        o.putArray("list").add("x").add(7).addObject().put("nested", true);
        o.set("missing", com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        assertThat(JsonTrees.write(o)).isEqualTo(MAPPER.writeValueAsBytes(o));
        assertThat(JsonTrees.pretty(o)).isEqualTo(MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../examples/seed-vmi.yaml", "../examples/kubevirt-form-vmi.yaml"})
    void readsTheExampleVmsAsObjectMapperOverYamlDoes(String file) throws Exception {
        assertSameYamlTree(java.nio.file.Files.readString(java.nio.file.Path.of(file)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a: 1\nb: [x, 2.5, true, null, ~]\nc: {d: 'e', f: \"g\"}\n",
        "base: &b {x: 1}\nuse: *b\n",
        "n: 0x1F\no: 0o17\nbig: 123456789012345678901234567890\nneg: -7\nexp: 1e3\nyes: yes\nno: no\non: on\n",
        "---\nfirst: 1\n---\nsecond: 2\n",
        "bin: !!binary aGVsbG8=\n",
        "a: *nowhere\n",
        "list:\n- name: default\n  pod: {}\n- name: second\n  multus: {networkName: n}\n",
        "{\"json\": [1, {\"too\": true}]}",
        "plain scalar",
        "", "# only a comment\n",
    })
    void readsYamlAsObjectMapperOverYamlDoes(String yaml) throws Exception {
        assertSameYamlTree(yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a: [1, 2\n", "a: b: c\n", "- x\ny: z\n"})
    void rejectsYamlAsObjectMapperOverYamlDoesWithTheSameMessage(String yaml) {
        ObjectMapper theirs = new ObjectMapper(new YAMLFactory());
        String expected = messageOf(() -> theirs.readTree(yaml));
        assertThatThrownBy(() -> {
            try (var p = new YAMLFactory().createParser(yaml)) {
                JsonTrees.read(p);
            }
        }).isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage()).isEqualTo(expected));
    }

    private static void assertSameYamlTree(String yaml) throws Exception {
        JsonNode theirs = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        JsonNode ours;
        try (var p = new YAMLFactory().createParser(yaml)) {
            ours = JsonTrees.read(p);
        }
        assertThat(ours).isEqualTo(theirs);
        assertSameClasses(ours, theirs);
    }

    private interface Read {
        Object run() throws Exception;
    }

    private static String messageOf(Read read) {
        try {
            read.run();
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("ObjectMapper accepted it");
    }

    private static void assertSameClasses(JsonNode ours, JsonNode theirs) {
        assertThat(ours.getClass()).isEqualTo(theirs.getClass());
        if (ours.isContainerNode()) {
            for (int i = 0; i < ours.size(); i++) {
                if (ours.isArray()) {
                    assertSameClasses(ours.get(i), theirs.get(i));
                }
            }
            ours.properties().forEach(e -> assertSameClasses(e.getValue(), theirs.get(e.getKey())));
        }
    }
}
