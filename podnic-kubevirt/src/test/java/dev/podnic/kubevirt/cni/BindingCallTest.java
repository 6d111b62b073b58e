package dev.podnic.kubevirt.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.skel.CmdArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A binding call as Multus makes it, and every way it can be wrong, each with the spec's code. */
class BindingCallTest {
    private static final String CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
            + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}";

    private static Map<String, String> env(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "4f1c2a9e0b3d");
        env.put("CNI_NETNS", "/var/run/netns/cni-1234");
        env.put("CNI_IFNAME", "net3");
        env.put("CNI_ARGS", "IgnoreUnknown=true;K8S_POD_NAMESPACE=vms;K8S_POD_NAME=virt-launcher-vm1-x7k2p;K8S_POD_UID=0a1b");
        return env;
    }

    private static BindingCall read(Map<String, String> env, String config) {
        return BindingCall.read(env.get("CNI_COMMAND"), CmdArgs.read(env, config.getBytes(StandardCharsets.UTF_8)));
    }

    private static int code(Runnable r) {
        try {
            r.run();
        } catch (CniException e) {
            return e.error().code();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void aCallAsMultusMakesItIsReadWhole() {
        BindingCall c = read(env("ADD"), CONFIG);
        assertThat(c.index()).isEqualTo(3);
        assertThat(c.logicNetwork()).isEqualTo("default");
        assertThat(c.netns()).contains(Path.of("/var/run/netns/cni-1234"));
        assertThat(c.podNamespace()).isEqualTo("vms");
        assertThat(c.podName()).isEqualTo("virt-launcher-vm1-x7k2p");
        assertThat(c.podUid()).isEqualTo("0a1b");
        assertThat(c.network()).isEmpty();
        assertThat(c.identity()).isEqualTo("kubevirt/4f1c2a9e0b3d/default");
        assertThat(c.key()).isEqualTo("4f1c2a9e0b3d-net3");
    }

    @Test
    void aDelMayComeWithoutANamespaceArgsOrNetworkName() {
        Map<String, String> env = env("DEL");
        env.remove("CNI_NETNS");
        env.remove("CNI_ARGS");
        assertThat(read(env, CONFIG).netns()).isEmpty();
        assertThat(read(env, CONFIG).key()).isEqualTo("4f1c2a9e0b3d-net3"); // all a DEL needs to find its attachment
        assertThat(read(env, "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\"}").key())
                .isEqualTo("4f1c2a9e0b3d-net3");
        Map<String, String> add = env("ADD");
        add.remove("CNI_NETNS");
        assertThat(code(() -> read(add, CONFIG))).isEqualTo(CniError.INVALID_ENVIRONMENT);
    }

    @Test
    void whatMultusNeverSendsIsRefusedWithTheSpecsCode() {
        Map<String, String> eth0 = env("ADD");
        eth0.put("CNI_IFNAME", "eth0");
        assertThat(code(() -> read(eth0, CONFIG))).isEqualTo(CniError.INVALID_ENVIRONMENT);
        Map<String, String> slash = env("ADD");
        slash.put("CNI_CONTAINERID", "../../etc");
        assertThat(code(() -> read(slash, CONFIG))).as("a container ID names a directory: no paths").isEqualTo(CniError.INVALID_ENVIRONMENT);
        Map<String, String> none = env("ADD");
        none.remove("CNI_CONTAINERID");
        assertThat(code(() -> read(none, CONFIG))).isEqualTo(CniError.INVALID_ENVIRONMENT);
        assertThat(code(() -> read(env("ADD"), CONFIG.replace("\"default\"", "\"../x\"")))).isEqualTo(CniError.INVALID_CONFIG);
        assertThat(code(() -> read(env("ADD"), CONFIG.replace(",\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}", ""))))
                .isEqualTo(CniError.INVALID_CONFIG);
        assertThat(code(() -> read(env("ADD"), CONFIG.replace("\"type\"", "\"network\":\"a b\",\"type\"")))).isEqualTo(CniError.INVALID_CONFIG);
        assertThat(code(() -> read(env("ADD"), "{"))).isEqualTo(CniError.DECODE_FAILURE);
        assertThat(code(() -> read(env("ADD"), "[]"))).isEqualTo(CniError.DECODE_FAILURE);
        assertThatThrownBy(() -> read(env("ADD"), "")).isInstanceOf(CniException.class);
    }
}
