package dev.podnic.cli;

/** A usage problem found after parsing (a bad flag value); printed without a stack trace, exit 2. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
