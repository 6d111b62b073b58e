package dev.podnic.binding.testing;

/**
 * A contract suite: one set of assertions, run against a fake and the real implementations by
 * subclasses that say what the subject is.
 *
 * @param <S> what one test runs against
 */
public abstract class Contract<S> {
    private S current;

    /** The subject of one test, made once the subclass's own set-up ran (a fresh one for each test). */
    protected abstract S subject();

    protected final S s() {
        if (current == null) {
            current = subject();
        }
        return current;
    }
}
