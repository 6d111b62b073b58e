package dev.podnic.cni.timeline;

import static dev.podnic.cni.testing.RecordingPluginExec.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.testing.RecordingPluginExec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The attach steps as a flight recording sees them: in the order reached, named, and nothing without one. */
@Timeout(30)
class AttachStepTest {
    @TempDir
    Path tmp;

    @Test
    void aRecordingOfTheStepsHasTheRuntimesStepsInTheOrderReached() throws Exception {
        RecordingPluginExec exec = new RecordingPluginExec().plugin("bridge", "1.0.0")
                .on("bridge", "ADD", c -> ok("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.1.0.5/24\"}]}"));
        NetworkConfigList net = new ConfigParser().parseList(
                "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\"}]}".getBytes(StandardCharsets.UTF_8),
                "test.conflist");
        String netns = Files.createFile(tmp.resolve("pod")).toString();
        Path file = tmp.resolve("steps.jfr");
        try (Recording r = new Recording()) {
            r.enable(AttachStep.EVENT).withoutStackTrace();
            r.start();
            AttachStep.reached("accepted");
            new CniRuntime(List.of(RecordingPluginExec.BIN), tmp.resolve("cache"), Duration.ofSeconds(5), exec)
                    .add(net, new RuntimeConf("vmi-1", netns, "vmi0", List.of(), Map.of()));
            AttachStep.reached("plugin exited", Path.of("/usr/lib/cni/bridge").getFileName());
            r.stop();
            r.dump(file);
        }
        List<String> steps = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(AttachStep.EVENT))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                .map(e -> e.getString("step")).toList();
        assertThat(steps).containsExactly("accepted", "plugin may have its input", "cache written", "plugin exited bridge");
    }

    @Test
    void withoutARecordingAStepCostsNothingButItsCall() {
        assertThatCode(() -> AttachStep.reached("accepted")).doesNotThrowAnyException();
    }
}
