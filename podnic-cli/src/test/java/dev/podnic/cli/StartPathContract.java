package dev.podnic.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a start-path reading ({@link StartPath}) is held to: the command lines to compare with picocli's
 * reading of the same command (every option it declares alone, in both spellings, and all together)
 * and the values both readings leave in the command's fields.
 */
public final class StartPathContract {
    private StartPathContract() {
    }

    /** The command's long option names, without the standard help ones. */
    public static List<String> longNames(Object command) {
        return new CommandLine(command).getCommandSpec().options().stream().map(OptionSpec::longestName)
                .filter(n -> !List.of("--help", "--version").contains(n)).toList();
    }

    /** Whether the option is a boolean flag (takes no value). */
    public static boolean isFlag(Object command, String name) {
        return new CommandLine(command).getCommandSpec().findOption(name).arity().max() == 0;
    }

    /**
     * Command lines for {@code command}: {@code required} alone; with each other option alone in both
     * spellings; with all of them (values from {@code samples}, else a path named after the option).
     */
    public static List<List<String>> commandLines(Object command, List<String> required, Map<String, String> samples) {
        List<List<String>> all = new ArrayList<>();
        all.add(required);
        List<String> together = new ArrayList<>(required);
        for (String name : longNames(command)) {
            if (required.contains(name)) {
                continue;
            }
            if (isFlag(command, name)) {
                all.add(with(required, name));
                together.add(name);
                continue;
            }
            String value = samples.getOrDefault(name, "/some/" + name.substring(2));
            all.add(with(required, name, value));
            all.add(with(required, name + "=" + value));
            together.addAll(List.of(name, value));
        }
        all.add(together);
        return all;
    }

    private static List<String> with(List<String> required, String... more) {
        List<String> line = new ArrayList<>(List.of(more));
        line.addAll(required);
        return line;
    }

    /** Every instance field's value by name (picocli's injected spec left out): what the command then works with. */
    public static Map<String, Object> fields(Object options) throws IllegalAccessException {
        Map<String, Object> out = new TreeMap<>();
        for (Field f : options.getClass().getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.getType().equals(CommandLine.Model.CommandSpec.class)) {
                f.setAccessible(true);
                out.put(f.getName(), f.get(options));
            }
        }
        return out;
    }
}
