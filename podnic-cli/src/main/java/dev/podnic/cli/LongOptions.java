package dev.podnic.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of a start-path command line ({@link StartPath}), read strictly: only {@code --name VALUE}
 * and {@code --name=VALUE} of the names the command declares, each at most once unless it may repeat,
 * and a fixed number of positional parameters. Anything else — help, a short option, an unknown or
 * repeated name, a missing value — is not read here at all: {@link #parse} answers empty and picocli
 * parses the command line, with its usual messages.
 */
public final class LongOptions {
    /** Thrown by a command's reading of a value it cannot convert: the command line goes to picocli instead. */
    public static final class NotHere extends RuntimeException {
        public NotHere(String why) {
            super(why, null, false, false);
        }
    }

    private final Map<String, List<String>> values;
    private final List<String> positionals;

    private LongOptions(Map<String, List<String>> values, List<String> positionals) {
        this.values = values;
        this.positionals = positionals;
    }

    /**
     * @param names      every option the command has (its picocli declaration's long names)
     * @param repeatable those of {@code names} that may be given more than once
     */
    public static Optional<LongOptions> parse(List<String> args, Set<String> names, Set<String> repeatable, int positionalCount) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                if (arg.startsWith("-") || positionals.size() == positionalCount) {
                    return Optional.empty();
                }
                positionals.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!names.contains(name) || (values.containsKey(name) && !repeatable.contains(name))) {
                return Optional.empty();
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                value = args.get(++i);
            } else {
                return Optional.empty(); // (a value that starts with '-' is picocli's to judge)
            }
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return positionals.size() == positionalCount ? Optional.of(new LongOptions(values, positionals)) : Optional.empty();
    }

    /** The option's value, or {@code orElse} (the declaration's default) when it was not given. */
    public String value(String name, String orElse) {
        List<String> v = values.get(name);
        return v == null ? orElse : v.get(v.size() - 1);
    }

    /** Every value given for a repeatable option, in order; empty when none. */
    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    public int intValue(String name, int orElse) {
        String v = value(name, null);
        if (v == null) {
            return orElse;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new NotHere(name + " " + v);
        }
    }

    public String positional(int index) {
        return positionals.get(index);
    }
}
