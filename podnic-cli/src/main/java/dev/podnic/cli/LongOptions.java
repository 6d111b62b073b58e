package dev.podnic.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of a start-path command line ({@link StartPath}), read strictly: only {@code --name VALUE}
 * and {@code --name=VALUE} of the names the command declares, each at most once unless it may repeat,
 * flags as {@code --name} alone, and a fixed number of positional parameters. Anything else — help, a
 * short option, an unknown or repeated name, a missing value, a value starting with '-' — is not read
 * here at all: {@link #parse} answers empty and picocli parses the command line, with its messages.
 */
public final class LongOptions {
    /** Thrown by a command's reading of a value it cannot convert: the command line goes to picocli instead. */
    public static final class NotHere extends RuntimeException {
        public NotHere(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * What a command declares (the long names of its picocli declaration).
     *
     * @param options     the options that take a value
     * @param repeatable  those of {@code options} that may be given more than once
     * @param flags       the boolean options, which take none
     * @param positionals how many positional parameters it has, all required
     */
    public record Declared(Set<String> options, Set<String> repeatable, Set<String> flags, int positionals) {
        public Declared(Set<String> options) {
            this(options, Set.of(), Set.of(), 0);
        }

        /** The names of a command's option groups (its mixins' and its own), together. */
        @SafeVarargs
        public static Set<String> names(Set<String>... groups) {
            Set<String> all = new HashSet<>();
            for (Set<String> g : groups) {
                all.addAll(g);
            }
            return Set.copyOf(all);
        }
    }

    private final Map<String, List<String>> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private LongOptions(Map<String, List<String>> values, Set<String> flags, List<String> positionals) {
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    public static Optional<LongOptions> parse(List<String> args, Declared declared) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                if (arg.startsWith("-") || positionals.size() == declared.positionals()) {
                    return Optional.empty();
                }
                positionals.add(arg);
                continue;
            }
            if (declared.flags().contains(arg)) {
                if (!flags.add(arg)) {
                    return Optional.empty();
                }
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (!declared.options().contains(name) || (values.containsKey(name) && !declared.repeatable().contains(name))) {
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
            List<String> given = values.get(name); // (no lambda: this runs first in a cold command)
            if (given == null) {
                given = new ArrayList<>();
                values.put(name, given);
            }
            given.add(value);
        }
        return positionals.size() == declared.positionals() ? Optional.of(new LongOptions(values, flags, positionals)) : Optional.empty();
    }

    /**
     * The option's value, or when it was not given its declared default: the very string the picocli
     * declaration names as {@code defaultValue} (a literal, or {@code ${env:NAME:-FALLBACK}}), null for none.
     */
    public String value(String name, String declaredDefault) {
        List<String> v = values.get(name);
        return v != null ? v.get(v.size() - 1) : declaredDefault == null ? null : resolved(declaredDefault);
    }

    /** A picocli default value as picocli resolves it: {@code ${env:NAME:-FALLBACK}} or a literal; other expressions are picocli's. */
    static String resolved(String declared) {
        if (!declared.contains("${")) {
            return declared;
        }
        int sep = declared.indexOf(":-");
        if (!declared.startsWith("${env:") || !declared.endsWith("}") || sep < 0 || declared.indexOf("${", 1) >= 0) {
            throw new NotHere("default " + declared);
        }
        String env = System.getenv(declared.substring("${env:".length(), sep));
        return env != null ? env : declared.substring(sep + 2, declared.length() - 1);
    }

    /** Every value given for a repeatable option, in order; empty when none. */
    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Whether the flag was given. */
    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** An int option's value (or its declared default) as picocli converts it (decimal, an optional sign); not one: picocli's to explain. */
    public int intValue(String name, String declaredDefault) {
        String v = value(name, declaredDefault);
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
