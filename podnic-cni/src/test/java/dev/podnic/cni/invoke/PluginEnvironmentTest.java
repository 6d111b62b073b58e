package dev.podnic.cni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginEnvironmentTest {

    @Test
    void setsTheSpecVariablesAndDropsInheritedOnes() {
        PluginEnvironment env = new PluginEnvironment(Map.of("HOME", "/root", "PATH", "/bin", "CNI_COMMAND", "DEL",
                "CNI_NETNS", "/stale"));
        Map<String, String> e = env.build("ADD", "c1", "/run/netns/p", "vmi0",
                List.of(Map.entry("K8S_POD_NAME", "web"), Map.entry("IgnoreUnknown", "1")),
                List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")));
        assertThat(e).containsEntry("CNI_COMMAND", "ADD")
                .containsEntry("CNI_CONTAINERID", "c1")
                .containsEntry("CNI_NETNS", "/run/netns/p")
                .containsEntry("CNI_IFNAME", "vmi0")
                .containsEntry("CNI_ARGS", "K8S_POD_NAME=web;IgnoreUnknown=1")
                .containsEntry("CNI_PATH", "/opt/cni/bin:/usr/lib/cni")
                .containsEntry("PATH", "/bin")
                .containsEntry("HOME", "/root");
    }

    @Test
    void providesAPathWhenTheRuntimeHasNone() {
        Map<String, String> e = new PluginEnvironment(Map.of()).build("DEL", "c1", null, "eth0", List.of(), List.of());
        assertThat(e.get("PATH")).contains("/usr/sbin").contains("/sbin");
        assertThat(e).containsEntry("CNI_NETNS", "").containsEntry("CNI_ARGS", "");
    }
}
