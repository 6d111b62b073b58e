package dev.podnic.cli.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The start path reads {@code cni add|check|del} exactly as picocli does (the contract that lets it
 * skip picocli): every option the commands declare, each alone and all together, both spellings; and
 * it leaves every other command line to picocli.
 */
class CniStartPathTest {
    private static final Map<String, String> SAMPLE = Map.of("--bin-dir", "/a/bin:/b/bin", "--timeout", "7", "--cap-args",
            "{\"mac\":\"02:00:00:00:00:01\"}", "--args", "K=V;A=B");

    static Stream<Object[]> commandLines() {
        List<Object[]> all = new ArrayList<>();
        for (Object command : List.of(new CniAdd(), new CniCheck(), new CniDel())) {
            List<String> names = longNames(command);
            all.add(new Object[] {command.getClass().getSimpleName(), List.of("--net", "n")});
            List<String> together = new ArrayList<>();
            for (String name : names) {
                String value = SAMPLE.getOrDefault(name, "/some/" + name.substring(2));
                if (!name.equals("--net")) {
                    all.add(new Object[] {command.getClass().getSimpleName(), List.of("--net", "n", name, value)});
                    all.add(new Object[] {command.getClass().getSimpleName(), List.of(name + "=" + value, "--net=n")});
                }
                together.addAll(List.of(name, value));
            }
            together.addAll(List.of("--bin-dir", "/c/bin")); // repeatable: added to the earlier ones
            all.add(new Object[] {command.getClass().getSimpleName(), together});
        }
        return all.stream();
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
        assertThat(fields(ours.cni())).isEqualTo(fields(field(picocli, "cni")));
        assertThat(fields(ours.attachment())).isEqualTo(fields(field(picocli, "attachment")));
    }

    @ParameterizedTest
    @ValueSource(classes = {CniAdd.class, CniCheck.class, CniDel.class})
    void knowsEveryOptionTheCommandsDeclare(Class<?> command) throws Exception {
        TreeSet<String> ours = new TreeSet<>(CniOptions.NAMES);
        ours.addAll(AttachmentOptions.NAMES);
        assertThat(new TreeSet<>(longNames(command.getDeclaredConstructor().newInstance()))).isEqualTo(ours);
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

    /** The command's long option names, without the standard help ones. */
    private static List<String> longNames(Object command) {
        return new CommandLine(command).getCommandSpec().options().stream().map(OptionSpec::longestName)
                .filter(n -> !List.of("--help", "--version").contains(n)).toList();
    }

    private static Object field(Object owner, String name) throws Exception {
        Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    /** Every instance field's value by name: what the command then works with. */
    private static Map<String, Object> fields(Object options) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        for (Field f : options.getClass().getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.put(f.getName(), f.get(options));
            }
        }
        return out;
    }
}
