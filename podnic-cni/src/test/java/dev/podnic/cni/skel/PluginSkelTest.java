package dev.podnic.cni.skel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plugin protocol, byte for byte: what the skel answers itself, and what it makes of a plugin's outcomes. */
class PluginSkelTest {
    private static final String RESULT = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"vmi1\",\"sandbox\":\"/var/run/netns/p\"}],"
            + "\"ips\":[{\"address\":\"10.9.0.5/24\",\"gateway\":\"10.9.0.1\",\"interface\":0}]}";

    private final List<String> calls = new ArrayList<>();
    private RuntimeException failure;

    private final CniPlugin plugin = new CniPlugin() {
        @Override
        public CniResult add(CmdArgs args) {
            seen("ADD", args);
            return ResultJson.parse(parse(), SpecVersion.V1_0_0);
        }

        @Override
        public void del(CmdArgs args) {
            seen("DEL", args);
        }

        @Override
        public void check(CmdArgs args) {
            seen("CHECK", args);
        }

        @Override
        public void status(CmdArgs args) {
            seen("STATUS", args);
        }

        @Override
        public void gc(CmdArgs args) {
            seen("GC", args);
        }
    };

    private static com.fasterxml.jackson.databind.JsonNode parse() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(RESULT);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void seen(String command, CmdArgs args) {
        calls.add(command + " " + args.containerId() + " " + args.netns().map(Path::toString).orElse("-") + " " + args.ifName() + " "
                + args.args() + " " + args.cniVersion());
        if (failure != null) {
            throw failure;
        }
    }

    private PluginOutput call(String command, String config) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c1");
        env.put("CNI_NETNS", "/var/run/netns/p");
        env.put("CNI_IFNAME", "net1");
        env.put("CNI_ARGS", "IgnoreUnknown=true;K8S_POD_NAME=x");
        return new PluginSkel(plugin, List.of("0.4.0", "1.0.0")).call(env, config.getBytes(StandardCharsets.UTF_8));
    }

    private static String out(PluginOutput o) {
        return o.exitCode() + " " + new String(o.stdout(), StandardCharsets.UTF_8);
    }

    @Test
    void versionIsAnsweredWithoutThePluginAndWithoutAConfiguration() {
        assertThat(out(call("VERSION", ""))).isEqualTo("0 {\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}\n");
        assertThat(calls).isEmpty();
    }

    @Test
    void commandsReachThePluginDecodedOnce() {
        assertThat(out(call("DEL", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}"))).isEqualTo("0 ");
        assertThat(out(call("GC", "{\"cniVersion\":\"1.1.0\",\"name\":\"n\"}"))).isEqualTo("0 ");
        assertThat(calls).containsExactly("DEL c1 /var/run/netns/p net1 {IgnoreUnknown=true, K8S_POD_NAME=x} 1.0.0",
                "GC c1 /var/run/netns/p net1 {IgnoreUnknown=true, K8S_POD_NAME=x} 1.1.0");
    }

    @Test
    void addsResultIsWrittenInTheConfigurationsVersion() {
        PluginOutput o = call("ADD", "{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}");
        assertThat(out(o)).isEqualTo("0 {\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"vmi1\",\"sandbox\":\"/var/run/netns/p\"}],"
                + "\"ips\":[{\"version\":\"4\",\"interface\":0,\"address\":\"10.9.0.5/24\",\"gateway\":\"10.9.0.1\"}],\"dns\":{}}\n");
    }

    @Test
    void errorsAreTheSpecsObjectWithExitStatusOne() {
        assertThat(out(call("ADD", "{\"cniVersion\":\"0.2.0\",\"name\":\"n\"}"))).isEqualTo("1 {\"cniVersion\":\"0.2.0\",\"code\":1,"
                + "\"msg\":\"cniVersion \\\"0.2.0\\\" is not one of [0.4.0, 1.0.0] (nothing was changed)\"}\n");
        assertThat(out(call("ADD", "not json"))).startsWith("1 {\"cniVersion\":\"1.0.0\",\"code\":6,\"msg\":\"the network configuration is not JSON");
        assertThat(out(call("ADD", "[1]"))).isEqualTo("1 {\"cniVersion\":\"1.0.0\",\"code\":6,"
                + "\"msg\":\"the network configuration must be a JSON object\"}\n");
        assertThat(out(call("FROB", "{\"cniVersion\":\"1.0.0\"}"))).isEqualTo("1 {\"cniVersion\":\"1.0.0\",\"code\":4,"
                + "\"msg\":\"CNI_COMMAND \\\"FROB\\\" is not one of ADD, DEL, CHECK, STATUS, GC, VERSION\"}\n");
        assertThat(calls).as("nothing reached the plugin").isEmpty();

        failure = new CniException(new CniError(11, "busy", "retry in 1 s"), "busy", null);
        assertThat(out(call("DEL", "{\"cniVersion\":\"1.0.0\"}"))).isEqualTo("1 {\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"busy\","
                + "\"details\":\"retry in 1 s\"}\n");
        failure = new IllegalStateException("boom");
        assertThat(out(call("CHECK", "{\"cniVersion\":\"1.0.0\"}"))).isEqualTo("1 {\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"boom\"}\n");
    }

    @Test
    void aDelWithoutANamespaceIsPassedOnWithout() {
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "c1", "CNI_IFNAME", "net1"));
        new PluginSkel(plugin, List.of("1.0.0")).call(env, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(calls).containsExactly("DEL c1 - net1 {} ");
        assertThat(CmdArgs.read(env, "{}".getBytes(StandardCharsets.UTF_8)).netns()).isEqualTo(Optional.empty());
    }
}
