package dev.podnic.cni.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;

/** Whether a process a test saw (a plugin, its child) has ended. */
public final class ProcessEnd {
    private ProcessEnd() {
    }

    /** True once {@code pid} is gone or a zombie (killed, waiting to be reaped by its new parent), within 5 s. */
    public static boolean soon(long pid) {
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ended(pid));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Gone, or a zombie awaiting its reaper. */
    private static boolean ended(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }
}
