package dev.podnic.binding.testing;

/**
 * podnic killed at this point (kill -9): an Error, so no catch block of the engine runs and no
 * clean-up happens — what is on "disk" and in the "kernel" stays as it was.
 */
public final class Crash extends Error {
    public Crash(String where) {
        super("crashed " + where);
    }
}
