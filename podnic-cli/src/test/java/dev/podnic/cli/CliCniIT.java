package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.testing.RealPlugins;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code podnic cni ...} end to end: real plugins, a test-made node namespace and pod. */
class CliCniIT extends WithNodeAndPod {
    @Override
    String subnet() {
        return "10.252.0.0/24";
    }

    @Override
    String morePlugins() {
        return ",{\"type\":\"tuning\",\"mtu\":1400}";
    }

    private Outcome podnic(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--conf-dir", confDir().toString(), "--bin-dir", RealPlugins.DIR,
                "--cache-dir", tmp.resolve("cache").toString(), "--node-netns", path(node).toString()));
        return Outcome.of(all);
    }

    private String[] attachment(String cmd) {
        return new String[] {"cni", cmd, "--net", "podnet", "--netns", path(pod).toString(), "--ifname", "vmi0",
            "--container-id", "vmi-cli"};
    }

    @Test
    void addCheckDelPrintTheResultAndLeaveNothing() throws Exception {
        Outcome add = podnic(attachment("add"));
        assertThat(add.exit()).as(add.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(add.out());
        assertThat(result.get("cniVersion").asText()).isEqualTo("1.0.0");
        String address = result.get("ips").get(0).get("address").asText();
        assertThat(ip("-n", pod, "-o", "addr", "show", "dev", "vmi0")).contains(address);
        assertThat(ip("-n", pod, "-o", "link", "show", "dev", "vmi0")).contains("mtu 1400");

        Outcome check = podnic(attachment("check"));
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.err()).contains("check ok: bridge, tuning");

        Outcome del = podnic(attachment("del"));
        assertThat(del.exit()).as(del.err()).isZero();
        assertThat(podnic(attachment("del")).exit()).isZero();
    }

    @Test
    void pluginErrorsExitNonZeroWithTheErrorJson() {
        assertThat(podnic(attachment("add")).exit()).isZero();
        Outcome again = podnic(attachment("add"));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already attached");
        assertThat(podnic(attachment("del")).exit()).isZero();

        Outcome bad = podnic("cni", "add", "--net", "podnet", "--netns", path(pod).toString(), "--ifname", "vmi0",
                "--container-id", "vmi-cli", "--cap-args", "{\"mac\":\"02:00:00:00:00:01\"}", "--args", "IgnoreUnknown=1;MAC=zz");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("plugin bridge failed (ADD)").contains("\"code\"").contains("\"msg\"");
    }

    @Test
    void badInputIsExplained() throws Exception {
        Outcome usage = podnic("cni", "add", "--net", "podnet");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--netns is required");

        Files.writeString(confDir().resolve("20-broken.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"broken\",\"plugins\":[{}]}");
        Outcome broken = podnic("cni", "add", "--net", "broken", "--netns", path(pod).toString(), "--container-id", "x");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("20-broken.conflist: field \"plugins[0].type\": missing");

        Outcome unknown = podnic("cni", "add", "--net", "nope", "--netns", path(pod).toString(), "--container-id", "x");
        assertThat(unknown.err()).contains("no network named \"nope\"").contains("podnet");
    }

    @Test
    void statusAndGcReportAsJson() throws Exception {
        Outcome status = podnic("cni", "status", "--net", "podnet");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(new ObjectMapper().readTree(status.out()).get("plugins").get(0).get("state").asText())
                .isEqualTo("NOT_SUPPORTED");

        assertThat(podnic(attachment("add")).exit()).isZero();
        Outcome gc = podnic("cni", "gc", "--net", "podnet");
        assertThat(gc.exit()).as(gc.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(gc.out());
        assertThat(report.get("deleted").get(0).get("containerId").asText()).isEqualTo("vmi-cli");
        assertThat(report.get("errors")).isEmpty();
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi0");
    }

    @Test
    void versionReportsWhatEachPluginSpeaks() throws Exception {
        Outcome v = podnic("cni", "version", "--net", "podnet");
        assertThat(v.exit()).as(v.err()).isZero();
        JsonNode out = new ObjectMapper().readTree(v.out());
        assertThat(out.get("plugins").get(0).get("type").asText()).isEqualTo("bridge");
        assertThat(out.get("plugins").get(0).get("speaks").asText()).isEqualTo("1.0.0");
    }

    /**
     * What a cold `podnic cni add` executes, seen by strace (no timing): nothing before the plugins (JNA
     * would run ldconfig as it loads), and from the second process on no VERSION calls (the answers are
     * kept in the cache directory for the same binaries).
     */
    @Test
    void aColdAddExecutesOnlyThePluginsAndAsksVersionOncePerBinary() throws Exception {
        List<String> first = execsOfAColdProcess("add");
        assertThat(first).doesNotContain("/sbin/ldconfig").containsSubsequence(RealPlugins.DIR + "/bridge", RealPlugins.DIR + "/bridge");
        assertThat(first.stream().filter(e -> e.endsWith("/bridge"))).as("VERSION, then ADD").hasSize(2);
        assertThat(execsOfAColdProcess("del")).doesNotContain("/sbin/ldconfig");
        List<String> second = execsOfAColdProcess("add");
        assertThat(second.subList(1, second.size())).as("the plugins' ADD and nothing else")
                .containsExactly(RealPlugins.DIR + "/bridge", RealPlugins.DIR + "/host-local", RealPlugins.DIR + "/tuning");
        assertThat(execsOfAColdProcess("del")).doesNotContain("/sbin/ldconfig");
    }

    /** The programs a fresh podnic process (java -cp … Main) executes, in order, its own JVM first. */
    private List<String> execsOfAColdProcess(String command) throws Exception {
        java.nio.file.Path trace = tmp.resolve("execs-" + System.nanoTime());
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o", trace.toString()));
        cmd.addAll(PodnicProcesses.command(attachment(command)));
        cmd.addAll(List.of("--conf-dir", confDir().toString(), "--bin-dir", RealPlugins.DIR,
                "--cache-dir", tmp.resolve("cache").toString(), "--node-netns", path(node).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("cold.out").toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("cold.out"))).isZero();
        List<String> execs = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("execve\\(\"([^\"]+)\", .*= 0").matcher(Files.readString(trace));
        while (m.find()) {
            execs.add(m.group(1));
        }
        return execs;
    }

    /** A command line builds only the subcommand it names: the others' classes never load (class-load log, no timing). */
    @Test
    void onlyTheNamedSubcommandsClassesLoad() throws Exception {
        java.nio.file.Path log = tmp.resolve("classes.log");
        List<String> cmd = new ArrayList<>(PodnicProcesses.command("cni", "networks", "--conf-dir", confDir().toString()));
        cmd.add(1, "-Xlog:class+load=info:file=" + log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("networks.out").toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("networks.out"))).isZero();
        String loaded = Files.readString(log);
        assertThat(loaded).contains("dev.podnic.cli.cni.CniCommand ").contains("dev.podnic.cli.cni.CniNetworks ")
                .doesNotContain("dev.podnic.cli.vmi.VmiCommand ").doesNotContain("dev.podnic.cli.k8s.ControllerCommand ")
                .doesNotContain("dev.podnic.cli.node.NodeCommand ").doesNotContain("dev.podnic.cli.SidecarCommand ");

        java.nio.file.Path versionLog = tmp.resolve("version-classes.log");
        List<String> version = new ArrayList<>(PodnicProcesses.command("--version"));
        version.add(1, "-Xlog:class+load=info:file=" + versionLog);
        Process v = new ProcessBuilder(version).redirectErrorStream(true).redirectOutput(tmp.resolve("version.out").toFile()).start();
        assertThat(v.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("version.out")).strip()).isEqualTo("podnic 0.1.0");
        assertThat(Files.readString(versionLog)).as("--version needs no picocli").doesNotContain("picocli.CommandLine ");
    }
}
