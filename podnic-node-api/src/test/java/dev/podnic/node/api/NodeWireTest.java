package dev.podnic.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The daemon's wire format, byte for byte: what launchers (and the perl test client) send and read. */
class NodeWireTest {
    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aRequestIsOneJsonObjectOnOneLine() {
        assertThat(text(NodeWire.request(NodeRequest.attachment(NodeRequest.ADD, "/run/netns/p", "vmi0", "uid-1", ""))))
                .isEqualTo("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"ADD\",\"netns\":\"/run/netns/p\",\"ifName\":\"vmi0\","
                        + "\"vmi\":\"uid-1\",\"network\":\"\"}\n");
        assertThat(text(NodeWire.request(NodeRequest.release("uid-1"))))
                .isEqualTo("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"RELEASE\",\"netns\":\"\",\"ifName\":\"\",\"vmi\":\"uid-1\","
                        + "\"network\":\"\"}\n");
    }

    @Test
    void aRequestReadsBackAsItWasWrittenAndMissingFieldsAreEmpty() {
        NodeRequest r = NodeRequest.attachment(NodeRequest.DEL, "", "vmi3", "ns/vm", "podnet");
        assertThat(NodeWire.readRequest(NodeWire.request(r))).isEqualTo(r);
        assertThat(NodeWire.readRequest("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"LIST\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(NodeRequest.of(NodeRequest.LIST));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        not JSON          | {not json                                              | request is not valid JSON
        not an object     | [1,2]                                                  | request must be a JSON object
        old API version   | {"apiVersion":"v0","op":"ADD"}                         | apiVersion "v0" is not supported (expected podnic.dev/v1)
        no API version    | {"op":"ADD"}                                           | apiVersion "" is not supported
        a number for a name | {"apiVersion":"podnic.dev/v1","op":"ADD","ifName":7} | "ifName" must be a string
        truncated         | {"apiVersion":"podnic.dev/v1","op":"ADD"               | request is not valid JSON
        """)
    void aMalformedRequestSaysWhatIsWrong(String title, String body, String message) {
        assertThatThrownBy(() -> NodeWire.readRequest(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NodeWire.MalformedException.class).hasMessageContaining(message)
                .extracting(e -> ((NodeWire.MalformedException) e).error().code()).isEqualTo(NodeError.MALFORMED);
    }

    @Test
    void responsesAreByteExact() {
        assertThat(text(NodeWire.response(NodeWire.ok()))).isEqualTo("{\"apiVersion\":\"podnic.dev/v1\",\"ok\":true}\n");
        assertThat(text(NodeWire.response(NodeWire.error(new NodeError(150, "not yours", "")))))
                .isEqualTo("{\"apiVersion\":\"podnic.dev/v1\",\"ok\":false,\"error\":{\"code\":150,\"msg\":\"not yours\","
                        + "\"details\":\"\"}}\n");
    }

    @Test
    void aRefusalAlwaysCarriesAReason() throws Exception {
        NodeResponse r = NodeWire.readResponse("{\"apiVersion\":\"podnic.dev/v1\",\"ok\":false,\"error\":{\"code\":11,\"msg\":\"\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).get().satisfies(e -> {
            assertThat(e.code()).isEqualTo(11);
            assertThat(e.msg()).isEqualTo("(no reason given; try again later)");
        });
        assertThat(NodeWire.readResponse(NodeWire.response(NodeWire.ok())).error()).isEmpty();
    }

    @Test
    void noAnswerIsNotARefusal() {
        assertThatThrownBy(() -> NodeWire.readResponse(new byte[0])).isInstanceOf(NodeUnavailableException.class)
                .hasMessageContaining("closed the connection without an answer");
        assertThatThrownBy(() -> NodeWire.readResponse("<html>".getBytes(StandardCharsets.UTF_8)))
                .isNotInstanceOf(NodeUnavailableException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> NodeWire.readResponse("{\"x\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("has no \"ok\"");
    }
}
