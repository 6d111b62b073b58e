package dev.podnic.cni.invoke;

import java.util.Optional;

/**
 * How the JDK starts child processes. Its Linux default (posix_spawn of the jspawnhelper
 * trampoline, which then execs the target) costs one extra exec per plugin; measured here that
 * is 0.5–3 ms per plugin call and about 12 % of a bridge+tuning ADD+DEL. vfork execs the plugin
 * directly, as bash would. The property is read once, when the JDK first starts a process, so
 * programs call this first thing in main.
 *
 * <p>Only on the JDKs that support vfork quietly: JDK 25 deprecates it (a warning on every start)
 * and later ones removed it — there the property would make every process start fail.
 */
public final class ProcessLaunch {
    public static final String PROPERTY = "jdk.lang.Process.launchMechanism";
    /** The first JDK that deprecates vfork. */
    private static final int VFORK_DEPRECATED = 25;

    private ProcessLaunch() {
    }

    /** Selects vfork where {@link #preferredOn} says so, unless the operator chose a mechanism with -Djdk.lang.Process.launchMechanism. */
    public static void preferVfork() {
        if (System.getProperty(PROPERTY) == null) {
            preferredOn(Runtime.version().feature()).ifPresent(m -> System.setProperty(PROPERTY, m));
        }
    }

    /** The mechanism podnic selects on a JDK of this feature release: vfork before its deprecation, else the JDK's default. */
    static Optional<String> preferredOn(int jdkFeature) {
        return jdkFeature < VFORK_DEPRECATED ? Optional.of("VFORK") : Optional.empty();
    }
}
