package dev.podnic.cni.invoke;

/**
 * How the JDK starts child processes. Its Linux default (posix_spawn of the jspawnhelper
 * trampoline, which then execs the target) costs one extra exec per plugin; measured here that
 * is 0.5–3 ms per plugin call and about 12 % of a bridge+tuning ADD+DEL. vfork execs the plugin
 * directly, as bash would. The property is read once, when the JDK first starts a process, so
 * programs call this first thing in main.
 */
public final class ProcessLaunch {
    public static final String PROPERTY = "jdk.lang.Process.launchMechanism";

    private ProcessLaunch() {
    }

    /** Selects vfork unless the operator chose a mechanism with -Djdk.lang.Process.launchMechanism. */
    public static void preferVfork() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "VFORK");
        }
    }
}
