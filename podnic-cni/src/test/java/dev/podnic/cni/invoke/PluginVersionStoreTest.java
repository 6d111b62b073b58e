package dev.podnic.cni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cni.version.SpecVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VERSION answers kept across processes (a fresh invoker per "process"), and never for another binary. */
class PluginVersionStoreTest {
    @TempDir
    Path tmp;
    private final List<Path> asked = new ArrayList<>();

    /** Plugins are files in tmp; every exec is a VERSION call, recorded. */
    private final PluginExec exec = new PluginExec() {
        @Override
        public Optional<Path> find(String type, List<Path> dirs) {
            return Optional.of(tmp.resolve(type));
        }

        @Override
        public ExecOutput run(Path plugin, byte[] stdin, Map<String, String> env, Duration timeout) {
            asked.add(plugin);
            return new ExecOutput(0, "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\",\"9.9.9\"]}"
                    .getBytes(StandardCharsets.UTF_8), new byte[0], false);
        }
    };

    private PluginInvoker process() {
        return new PluginInvoker(exec, List.of(tmp), new PluginEnvironment(Map.of()), Duration.ofSeconds(5),
                new PluginVersionStore(tmp.resolve("cache/podnic/plugin-versions.json")));
    }

    @Test
    void aSecondProcessDoesNotAskTheSameBinaryAgain() throws Exception {
        Files.writeString(tmp.resolve("bridge"), "plugin v1");
        assertThat(process().versions("bridge").supported()).containsExactly(SpecVersion.V0_4_0, SpecVersion.V1_0_0);
        assertThat(asked).hasSize(1);
        var again = process().versions("bridge");
        assertThat(asked).as("answered from the store").hasSize(1);
        assertThat(again.supported()).containsExactly(SpecVersion.V0_4_0, SpecVersion.V1_0_0);
        assertThat(again.reported()).containsExactly("0.4.0", "1.0.0", "9.9.9");
    }

    @Test
    void anotherSizeMtimeOrPathIsAskedAgain() throws Exception {
        Path bridge = Files.writeString(tmp.resolve("bridge"), "plugin v1");
        process().versions("bridge");
        Files.writeString(bridge, "plugin v2, longer"); // upgraded in place
        process().versions("bridge");
        assertThat(asked).hasSize(2);
        Files.setLastModifiedTime(bridge, FileTime.fromMillis(Files.getLastModifiedTime(bridge).toMillis() - 60_000)); // same size
        process().versions("bridge");
        assertThat(asked).hasSize(3);
        Files.copy(bridge, tmp.resolve("tuning"));
        Files.setLastModifiedTime(tmp.resolve("tuning"), Files.getLastModifiedTime(bridge)); // the same file elsewhere
        process().versions("tuning");
        assertThat(asked).hasSize(4);
        process().versions("bridge");
        process().versions("tuning");
        assertThat(asked).as("both remembered").hasSize(4);
    }

    @Test
    void anUnreadableStoreCostsOnlyAVersionCall() throws Exception {
        Files.writeString(tmp.resolve("bridge"), "plugin v1");
        Files.createDirectories(tmp.resolve("cache/podnic"));
        Files.writeString(tmp.resolve("cache/podnic/plugin-versions.json"), "{not json");
        assertThat(process().versions("bridge").supported()).contains(SpecVersion.V1_0_0);
        process().versions("bridge");
        assertThat(asked).as("asked once, then stored over the garbage").hasSize(1);
    }
}
