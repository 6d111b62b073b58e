package dev.podnic.bench;

import dev.podnic.cni.timeline.AttachStep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The daemon's own timeline of its binding ADDs, from the attach steps it marks (the JFR event
 * {@code dev.podnic.AttachStep}): per step, the median time after the daemon accepted the connection,
 * over the measured ADDs. What the booking cannot say — which step waits on which — read off one run.
 */
final class AttachTimeline {
    private AttachTimeline() {
    }

    /** The daemon's JVM flags for a recording of the steps alone, written to {@code file} as it exits. */
    static String recordingTo(Path file) {
        return "-XX:StartFlightRecording=filename=" + file + ",dumponexit=true,settings=none"; // (none: no JDK event)
    }

    /** One ADD: each step's first time after its connection was accepted. */
    record Add(Map<String, Duration> steps) {
    }

    /**
     * The ADDs of a recording (connections with the step {@code marker}: {@link AttachStep#BINDING_ADD}, {@link AttachStep#CHECKED} for any) in the order served, each from its
     * accepted connection to the next one's: the calls must come one at a time.
     */
    static List<Add> read(Path recording, String marker) throws IOException {
        List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(recording).stream()
                .filter(e -> e.getEventType().getName().equals(AttachStep.EVENT)).toList());
        events.sort(Comparator.comparing(RecordedEvent::getStartTime));
        List<Add> adds = new ArrayList<>();
        Instant accepted = null;
        Map<String, Duration> steps = new LinkedHashMap<>();
        for (RecordedEvent e : events) {
            String step = e.getString("step");
            if (step.equals(AttachStep.ACCEPTED)) {
                if (steps.containsKey(marker)) {
                    adds.add(new Add(steps));
                }
                steps = new LinkedHashMap<>();
                accepted = e.getStartTime();
            }
            if (accepted != null) {
                steps.putIfAbsent(step, Duration.between(accepted, e.getStartTime()));
            }
        }
        if (steps.containsKey(marker)) {
            adds.add(new Add(steps));
        }
        return adds;
    }

    /** Each step's median offset (and its step from the one before), in the order of those medians. */
    static String medians(List<Add> adds) {
        Map<String, List<Double>> at = new LinkedHashMap<>();
        for (Add a : adds) {
            a.steps().forEach((step, d) -> at.computeIfAbsent(step, s -> new ArrayList<>()).add(d.toNanos() / 1e6));
        }
        StringBuilder out = new StringBuilder();
        double before = 0;
        for (Map.Entry<String, Stats> s : at.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), Stats.of(e.getValue())))
                .sorted(Comparator.comparingDouble(e -> e.getValue().median())).toList()) {
            double m = s.getValue().median();
            out.append(String.format("  %-34s %7.2f ms (%+6.2f)  p10 %7.2f  p90 %7.2f  n=%d%n", s.getKey(), m, m - before,
                    s.getValue().p10(), s.getValue().p90(), s.getValue().n()));
            before = m;
        }
        return out.toString();
    }
}
