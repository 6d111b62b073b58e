package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** `podnic ARGS` as a separate process (this JVM, this class path), and waiting for what it logs. */
final class PodnicProcesses {
    private PodnicProcesses() {
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits (up to 60 s) until {@code log} contains {@code text}; fails with the log if {@code p} dies first. */
    static void awaitLine(Path log, String text, Process p) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .failFast("podnic exited", () -> assertThat(p.isAlive()).as(read(log)).isTrue())
                .until(() -> read(log).contains(text));
    }

    private static String read(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
