package dev.podnic.kubevirt.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.podnic.api.VmNames;
import dev.podnic.kubevirt.testing.PodnicSidecar;
import dev.podnic.kubevirt.testing.VirtLauncherHooks;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kubevirt.hooks.info.ApiInfo;
import kubevirt.hooks.v1alpha3.ApiV1Alpha3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnic-sidecar (the native executable) on a real Unix socket, asked as virt-launcher asks it through
 * a client generated from KubeVirt's own .proto files: Info first, then the v1alpha3 callbacks. What
 * needs a pod with taps: KubevirtBindingIT; as KubeVirt really starts it (versions, user, limits):
 * podnic-cli's SidecarUnderKubevirtIT. The domain editing itself: the Go tests beside the source.
 */
@Timeout(120)
class PodnicSidecarTest {
    static final String DOMAIN = "<domain type=\"qemu\"><name>vms_vm1</name><devices><interface type=\"ethernet\">"
            + "<alias name=\"ua-other\"></alias></interface></devices></domain>";

    @TempDir
    Path tmp;
    private Process sidecar;
    private VirtLauncherHooks hooks;

    static String vmi(String interfaces) {
        return "{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstance\",\"metadata\":{\"name\":\"vm1\",\"namespace\":\"vms\"},"
                + "\"spec\":{\"domain\":{\"devices\":{\"interfaces\":[" + interfaces + "]}}}}";
    }

    @BeforeEach
    void start() throws Exception {
        sidecar = new ProcessBuilder(PodnicSidecar.binary().toString(), "--socket-dir", tmp.resolve("hooks").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        hooks = VirtLauncherHooks.collect(tmp.resolve("hooks/podnic.sock"), Duration.ofSeconds(60), sidecar::isAlive);
    }

    @AfterEach
    void stop() throws Exception {
        if (hooks != null) {
            hooks.close();
        }
        sidecar.destroyForcibly().waitFor();
    }

    @Test
    void infoSaysWhoWeAreWhichVersionAndWhichHookPoints() {
        ApiInfo.InfoResult info = hooks.info();
        assertThat(info.getName()).isEqualTo("podnic");
        assertThat(info.getVersionsList()).containsExactly("v1alpha3");
        assertThat(info.getHookPointsList()).extracting(ApiInfo.HookPoint::getName).containsExactly("OnDefineDomain", "Shutdown");
    }

    @Test
    void aDomainWithoutOurInterfacesComesBackByteForByteAndAMissingTapIsRefusedClearly() throws Exception {
        byte[] domain = DOMAIN.getBytes(StandardCharsets.UTF_8);
        assertThat(hooks.onDefineDomain(domain, vmi("{\"name\":\"other\",\"masquerade\":{}}").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(domain);
        assertThatThrownBy(() -> hooks.onDefineDomain(domain, vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("FAILED_PRECONDITION")
                .hasMessageContaining("the pod has no tap " + VmNames.tap("default"));
        assertThatThrownBy(() -> hooks.onDefineDomain("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><domain>&x;</domain>"
                .getBytes(StandardCharsets.UTF_8), vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("<!DOCTYPE>");
    }

    @Test
    void preCloudInitIsoHandsItsInputBackAndShutdownEndsTheSidecarAndItsSocket() throws Exception {
        ApiV1Alpha3.PreCloudInitIsoResult iso = hooks.preCloudInitIso(ApiV1Alpha3.PreCloudInitIsoParams.newBuilder()
                .setCloudInitData(ByteString.copyFromUtf8("{\"userData\":\"x\"}")).build());
        assertThat(iso.getCloudInitData().toStringUtf8()).isEqualTo("{\"userData\":\"x\"}");
        hooks.shutdown();
        assertThat(sidecar.waitFor(30, TimeUnit.SECONDS)).as("exits after Shutdown").isTrue();
        assertThat(sidecar.exitValue()).isZero();
        assertThat(tmp.resolve("hooks/podnic.sock")).doesNotExist();
    }

    @Test
    void helpTeachesAndUnknownArgumentsAreRefused() throws Exception {
        assertThat(run("--help")).startsWith("0:").contains("podnic-sidecar: the sidecar of podnic's KubeVirt network binding")
                .contains("-socket-dir").contains("NETWORK_BINDING_PLUGIN_NAME");
        assertThat(run("--nope")).startsWith("2:").contains("flag provided but not defined: -nope");
        assertThat(run("extra")).startsWith("2:").contains("unexpected argument \"extra\"");
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PodnicSidecar.binary().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }
}
