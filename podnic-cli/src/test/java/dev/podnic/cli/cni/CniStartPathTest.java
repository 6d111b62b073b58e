package dev.podnic.cli.cni;

import static dev.podnic.cli.StartPathContract.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cli.StartPathContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The start path reads {@code cni add|check|del} exactly as picocli does (the contract that lets it
 * skip picocli): every option the commands declare, each alone and all together, both spellings; and
 * it leaves every other command line to picocli.
 */
class CniStartPathTest {
    private static final Map<String, String> SAMPLE = Map.of("--bin-dir", "/a/bin:/b/bin", "--timeout", "7", "--cap-args",
            "{\"mac\":\"02:00:00:00:00:01\"}", "--args", "K=V;A=B");

    static Stream<Object[]> commandLines() {
        Stream<Object[]> repeated = Stream.<Object[]>of(new Object[] {"CniAdd", List.of("--net", "n", "--bin-dir", "/a", "--bin-dir", "/b:/c")},
                new Object[] {"CniAdd", List.of("--net", "n", "--timeout", "010")}, new Object[] {"CniDel", List.of("--net=", "--timeout=+7")});
        return Stream.concat(repeated, Stream.of(new CniAdd(), new CniCheck(), new CniDel())
                .flatMap(c -> StartPathContract.commandLines(c, List.of("--net", "n"), SAMPLE).stream()
                        .map(line -> new Object[] {c.getClass().getSimpleName(), line})));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("commandLines")
    void readsEachCommandLineAsPicocliDoes(String command, List<String> args) throws Exception {
        Object picocli = switch (command) {
            case "CniAdd" -> new CniAdd();
            case "CniCheck" -> new CniCheck();
            default -> new CniDel();
        };
        new CommandLine(picocli).parseArgs(args.toArray(String[]::new));
        CniStartPath.Options ours = CniStartPath.options(args).orElseThrow();
        Map<String, Object> theirs = fields(picocli);
        assertThat(fields(ours.cni())).isEqualTo(fields(theirs.get("cni")));
        assertThat(fields(ours.attachment())).isEqualTo(fields(theirs.get("attachment")));
    }

    @ParameterizedTest
    @ValueSource(classes = {CniAdd.class, CniCheck.class, CniDel.class})
    void knowsEveryOptionTheCommandsDeclare(Class<?> command) throws Exception {
        TreeSet<String> ours = new TreeSet<>(CniOptions.NAMES);
        ours.addAll(AttachmentOptions.NAMES);
        assertThat(new TreeSet<>(StartPathContract.longNames(command.getDeclaredConstructor().newInstance()))).isEqualTo(ours);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--net n --bogus x", "--net", "--net n --net m", "--timeout x --net n", "--net n extra",
        "--net n --ifname -x", "", "--netns /x"})
    void leavesEverythingElseToPicocli(String line) {
        List<String> args = line.isEmpty() ? List.of() : Arrays.asList(line.split(" "));
        assertThat(CniStartPath.command("add", args, null, null)).as(line).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "gc", "version", "networks"})
    void onlyAddCheckAndDelAreOnTheStartPath(String subcommand) {
        assertThat(CniStartPath.command(subcommand, List.of("--net", "n"), null, null)).isEmpty();
    }
}
