package dev.podnic.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.node.api.CniCallWire.CniAnswer;
import dev.podnic.node.api.CniCallWire.CniCall;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CniCallWireTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCallIsTheMagicTheVariablesInTheSpecsOrderABlankLineAndTheConfig() {
        CniCall call = new CniCall(Map.of("CNI_IFNAME", "net1", "CNI_COMMAND", "ADD"), bytes("{\"a\":\n1}"));
        assertThat(new String(CniCallWire.call(call), StandardCharsets.UTF_8))
                .isEqualTo("PODNIC-CNI 1\nCNI_COMMAND=ADD\nCNI_IFNAME=net1\n\n{\"a\":\n1}");
        CniCall back = CniCallWire.readCall(CniCallWire.call(call));
        assertThat(back.env()).isEqualTo(call.env());
        assertThat(back.config()).isEqualTo(call.config());
        assertThat(back.get("CNI_NETNS")).isEmpty();
        assertThat(back.command()).isEqualTo("ADD");
    }

    @Test
    void anAnswerIsTheStatusLineAndStdout() {
        byte[] wire = CniCallWire.answer(new CniAnswer(7, bytes("{\"code\":7}")));
        assertThat(new String(wire, StandardCharsets.UTF_8)).isEqualTo("7\n{\"code\":7}");
        CniAnswer back = CniCallWire.readAnswer(wire);
        assertThat(back.exitCode()).isEqualTo(7);
        assertThat(back.stdout()).isEqualTo(bytes("{\"code\":7}"));
    }

    @Test
    void whatIsNotACallIsRefusedSayingWhy() {
        assertThatThrownBy(() -> CniCallWire.readCall(bytes("{\"apiVersion\":\"podnic.dev/v1\"}\n")))
                .hasMessageContaining("not a podnic-shim call").hasMessageContaining("same version");
        assertThatThrownBy(() -> CniCallWire.readCall(bytes("PODNIC-CNI 1\nCNI_COMMAND=ADD\n")))
                .hasMessageContaining("do not end");
        assertThatThrownBy(() -> CniCallWire.readCall(bytes("PODNIC-CNI 1\nPATH=/evil\n\n{}")))
                .hasMessageContaining("unexpected line");
        assertThatThrownBy(() -> CniCallWire.readCall(bytes("PODNIC-CNI 1\nCNI_COMMAND=ADD\nCNI_COMMAND=DEL\n\n{}")))
                .hasMessageContaining("unexpected line");
        assertThatThrownBy(() -> CniCallWire.readCall(new byte[0])).hasMessageContaining("not a podnic-shim call");
        assertThatThrownBy(() -> CniCallWire.readAnswer(bytes("x\n"))).hasMessageContaining("not a number");
    }
}
