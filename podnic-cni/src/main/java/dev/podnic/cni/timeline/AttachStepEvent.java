package dev.podnic.cni.timeline;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The JFR event {@link AttachStep#reached} commits; loaded only once the flight recorder runs. */
@Name(AttachStep.EVENT)
@Label("podnic attach step")
@Category("podnic")
@Description("A step of attaching (or answering for) a vNIC reached")
@StackTrace(false)
final class AttachStepEvent extends Event {
    @Label("Step")
    String step;

    AttachStepEvent(String step) {
        this.step = step;
    }
}
