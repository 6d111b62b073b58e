package dev.podnic.cni.timeline;

import jdk.jfr.FlightRecorder;

/**
 * Steps of attaching a vNIC, marked as JDK Flight Recorder events ({@code dev.podnic.AttachStep}): the
 * timeline of an ADD across the threads that do it (the daemon's acceptor and worker, the plugins' launcher
 * and pipes, the ledger's writer, the binding's engine). Nothing is done unless the flight recorder runs
 * ({@code -XX:StartFlightRecording}; `scripts/bench kubevirt --timeline` starts it, docs/operations.md says how
 * by hand): the event class is not even loaded — loading one sets the recorder up, ~100 ms, which a command's
 * start must not pay. The steps are names, not a protocol: read them as a timeline —
 * beyond the three below a reader groups by, never as an interface.
 */
public final class AttachStep {
    /** The JFR event's name, as a recording lists it. */
    public static final String EVENT = "dev.podnic.AttachStep";
    /** The steps a reader groups by: the daemon took a connection; it is a binding's ADD; an ADD passed the checks. */
    public static final String ACCEPTED = "accepted";
    public static final String BINDING_ADD = "binding ADD";
    public static final String CHECKED = "checked";

    private AttachStep() {
    }

    /** Marks {@code step} reached now, on this thread, when a recording asks for these events. */
    public static void reached(String step) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        AttachStepEvent e = new AttachStepEvent(step);
        if (e.isEnabled()) {
            e.commit();
        }
    }

    /** As {@link #reached(String)}, the step named "{@code step} {@code what}" (put together only when recorded). */
    public static void reached(String step, Object what) {
        if (FlightRecorder.isInitialized()) {
            reached(step + " " + what);
        }
    }
}
