package dev.podnic.kubevirt.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.shim.CniShim;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** podnic-shim answers VERSION itself: with exactly the versions the daemon serves. */
class ShimVersionTest {
    @TempDir
    Path tmp;

    @Test
    void theShimsVersionAnswerIsTheDaemons() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(CniShim.install(tmp).toString());
        pb.environment().clear();
        pb.environment().put("CNI_COMMAND", "VERSION");
        pb.environment().put("PODNIC_BINDING_SOCKET", tmp.resolve("no-daemon.sock").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        JsonNode answer = new ObjectMapper().readTree(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(answer.path("cniVersion").asText()).isEqualTo(SpecVersion.LATEST.toString());
        List<String> supported = new ArrayList<>();
        answer.path("supportedVersions").forEach(v -> supported.add(v.asText()));
        assertThat(supported).isEqualTo(HostBinding.VERSIONS);
    }
}
