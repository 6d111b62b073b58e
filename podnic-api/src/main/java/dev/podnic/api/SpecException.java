package dev.podnic.api;

import java.util.List;
import java.util.stream.Collectors;

/** A VM instance spec is invalid; lists every problem found, each naming field and value. */
public final class SpecException extends RuntimeException {
    private final String source;
    private final List<SpecError> errors;

    public SpecException(String source, List<SpecError> errors) {
        super(source + ": " + errors.size() + " problem" + (errors.size() == 1 ? "" : "s") + ":\n  "
                + errors.stream().map(SpecError::toString).collect(Collectors.joining("\n  ")));
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public String source() {
        return source;
    }

    public List<SpecError> errors() {
        return errors;
    }
}
