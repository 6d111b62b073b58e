package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cni.testing.RealPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The class-data archive (and JNA's native library beside it) as the image and ./podnic make and use
 * them: deploy/image/podnic-class-data on a copy of the built jar, then commands on a VM's start path through the entry point deploy/image/podnic
 * with real plugins. Not timed: the JVM must accept the archive ({@code -Xshare:on} fails otherwise) and
 * the commands' own classes must come from it (the class-load log names each class's source).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClassDataIT extends WithNodeAndPod {
    private static final Path JAR = Path.of("target", "podnic.jar");
    private static final Path DEPLOY_IMAGE = Path.of("..", "deploy", "image");
    /** podnic's classes and its libraries' on the hot paths (the JDK's are in the archive too, not checked here). */
    private static final Pattern APPLICATION = Pattern.compile("^\\S+ (dev\\.podnic\\.|picocli\\.|com\\.fasterxml\\.)(\\S+) source: (.*)$",
            Pattern.MULTILINE);

    @Override
    String subnet() {
        return "10.252.3.0/24";
    }

    @Test
    void theStartPathCommandsLoadTheirClassesFromTheArchive() throws Exception {
        Path jar = Files.copy(JAR, tmp.resolve("podnic.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Outcome made = run(List.of(DEPLOY_IMAGE.resolve("podnic-class-data").toString(), jar.toString()), null);
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.err()).contains("training done\n").contains("podnic-class-data: " + tmp.resolve("podnic.jsa"));
        // JNA's native library beside them: the entry point has JNA load it from there and never unpack
        // one (jna.nounpack), so the namespace-entering cni commands below fail if it is not used.
        assertThat(tmp.resolve("podnic.native/libjnidispatch.so")).isRegularFile();

        List<String> cni = List.of("--net", "podnet", "--conf-dir", confDir().toString(), "--bin-dir", RealPlugins.DIR,
                "--cache-dir", tmp.resolve("cache").toString(), "--node-netns", path(node).toString(),
                "--netns", path(pod).toString(), "--ifname", "vmi0", "--container-id", "class-data");
        List<List<String>> commands = List.of(List.of("--version"), concat(List.of("cni", "add"), cni), concat(List.of("cni", "del"), cni),
                List.of("node", "ls", "--state-dir", tmp.resolve("node").toString()));
        List<Path> logs = new ArrayList<>();
        for (List<String> args : commands) { // all run (add and del both), then checked
            Path log = tmp.resolve("classes-" + logs.size() + ".log");
            Outcome o = run(concat(List.of(DEPLOY_IMAGE.resolve("podnic").toString()), args),
                    "-Xshare:on -Xlog:class+load=info:file=" + log);
            assertThat(o.exit()).as(args + ": " + o.err()).isZero();
            logs.add(log);
        }
        for (int i = 0; i < commands.size(); i++) {
            List<String> elsewhere = new ArrayList<>();
            int fromArchive = 0;
            Matcher m = APPLICATION.matcher(Files.readString(logs.get(i)));
            while (m.find()) {
                if (m.group(3).equals("shared objects file")) {
                    fromArchive++;
                } else {
                    elsewhere.add(m.group(1) + m.group(2) + " from " + m.group(3));
                }
            }
            // A few cannot be archived: picocli's Java 5 class files the JVM links while dumping, and
            // a lambda implementing one of them.
            assertThat(elsewhere).as(commands.get(i) + ": classes not from the archive (" + fromArchive + " from it)")
                    .hasSizeLessThanOrEqualTo(5);
            assertThat(fromArchive).as(commands.get(i).toString()).isPositive();
        }
    }

    /**
     * The training runs where the archive is made — the image build's root, ./podnic's machine, in their
     * own network namespace — so it must change nothing there: run in a namespace of the test's, the
     * namespace's links, addresses, routes and nftables ruleset are the same afterwards.
     */
    @Test
    void theTrainingChangesNothingInTheNamespaceItRunsIn() throws Exception {
        String before = namespaceState(pod);
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", pod, ProcessHandle.current().info().command().orElse("java"),
                "-cp", JAR.toAbsolutePath().toString(), ClassDataTraining.class.getName()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("every command ran, vmi up up to its first request").contains("training done\n").doesNotContain("failed");
        assertThat(namespaceState(pod)).isEqualTo(before);
    }

    private static String namespaceState(String netns) throws Exception {
        StringBuilder all = new StringBuilder();
        for (List<String> cmd : List.of(List.of("ip", "-n", netns, "-d", "link", "show"), List.of("ip", "-n", netns, "addr", "show"),
                List.of("ip", "-n", netns, "-4", "route", "show", "table", "all"), List.of("ip", "-n", netns, "-6", "route", "show", "table", "all"),
                List.of("ip", "netns", "exec", netns, "nft", "list", "ruleset"))) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            all.append(String.join(" ", cmd)).append('\n').append(new String(p.getInputStream().readAllBytes()));
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return all.toString();
    }

    @Test
    void aJarThatChangedIsNotServedByItsOldArchive() throws Exception {
        Path jar = Files.copy(JAR, tmp.resolve("podnic.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        assertThat(run(List.of(DEPLOY_IMAGE.resolve("podnic-class-data").toString(), jar.toString()), null).exit()).isZero();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
        // -Xshare:auto (the entry point's) runs without the archive, correctly; on stdout only the command's output.
        Outcome auto = run(List.of(DEPLOY_IMAGE.resolve("podnic").toString(), "--version"), null);
        assertThat(auto.exit()).isZero();
        assertThat(auto.out().strip()).isEqualTo("podnic 0.1.0");
        Outcome on = run(List.of(DEPLOY_IMAGE.resolve("podnic").toString(), "--version"), "-Xshare:on");
        assertThat(on.exit()).as("the JVM refuses the archive of another jar").isNotZero();
    }

    /** {@code cmd} with PODNIC_JAR set to the copy in tmp and PODNIC_JAVA_OPTS to {@code javaOpts}: exit, stdout, stderr. */
    private Outcome run(List<String> cmd, String javaOpts) throws Exception {
        Path err = Files.createTempFile(tmp, "stderr", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().put("PODNIC_JAR", tmp.resolve("podnic.jar").toString());
        if (javaOpts != null) {
            pb.environment().put("PODNIC_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Outcome(p.exitValue(), out, Files.readString(err));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
