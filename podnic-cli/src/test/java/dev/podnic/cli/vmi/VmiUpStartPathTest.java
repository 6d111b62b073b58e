package dev.podnic.cli.vmi;

import static dev.podnic.cli.StartPathContract.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cli.StartPathContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The start path reads {@code vmi up} exactly as picocli does — the launcher pod's command line
 * (LauncherPods), every option alone and all together — and leaves every other command line to it.
 */
class VmiUpStartPathTest {
    private static final List<String> REQUIRED = List.of("--pod-netns", "/proc/self/ns/net", "/etc/podnic/vmi.json");
    private static final Map<String, String> SAMPLES = Map.of("--ping", "10.0.0.1,10.0.0.2", "--linger", "5", "--wait", "0",
            "--timeout", "9", "--bin-dir", "/a:/b", "--output", "json", "--dhcp", "dnsmasq");

    static Stream<List<String>> commandLines() {
        return Stream.concat(Stream.of(
                List.of("--pod-netns=/proc/self/ns/net", "--proxy=/run/podnic/node.sock", "--dhcp=dnsmasq", "--state-dir=/var/lib/podnic",
                        "--hold", "/etc/podnic/vmi.json"),
                List.of("--ping", "10.0.0.1", "--ping", "10.0.0.2,10.0.0.3", "--pod-netns", "/x", "/f")),
                StartPathContract.commandLines(new VmiUp(), REQUIRED, SAMPLES).stream());
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void readsEachCommandLineAsPicocliDoes(List<String> args) throws Exception {
        VmiUp picocli = new VmiUp();
        new CommandLine(picocli).parseArgs(args.toArray(String[]::new));
        VmiUp ours = VmiUp.options(args).orElseThrow();
        Map<String, Object> expected = fields(picocli);
        Map<String, Object> actual = fields(ours);
        assertThat(fields(actual.remove("cni"))).isEqualTo(fields(expected.remove("cni")));
        assertThat(fields(actual.remove("vmiOptions"))).isEqualTo(fields(expected.remove("vmiOptions")));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void knowsEveryOptionTheCommandDeclares() {
        TreeSet<String> ours = new TreeSet<>(VmiUp.DECLARED.options());
        ours.addAll(VmiUp.DECLARED.flags());
        assertThat(new TreeSet<>(StartPathContract.longNames(new VmiUp()))).isEqualTo(ours);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "/f", "--pod-netns /x", "-o json --pod-netns /x /f", "--pod-netns /x /f /g",
        "--hold=true --pod-netns /x /f", "--hold --hold --pod-netns /x /f", "--linger soon --pod-netns /x /f",
        "--pod-netns /x --bogus /f"})
    void leavesEverythingElseToPicocli(String line) {
        assertThat(VmiUp.options(Arrays.asList(line.split(" ")))).as(line).isEmpty();
    }
}
