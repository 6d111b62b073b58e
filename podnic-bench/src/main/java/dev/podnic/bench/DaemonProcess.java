package dev.podnic.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * `podnic node` as a real process, started as the deployed image starts it: the image's ENTRYPOINT
 * (its JVM flags) from deploy/Dockerfile with this build's jar, and the DaemonSet's memory limit
 * (256Mi) as the JVM's view of the machine, so heap sizing (MaxRAMPercentage) and hence RSS are what
 * a node would see. Its log is a file the benchmark reads.
 */
final class DaemonProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which jar, started as which image starts it: the benchmarks' options. */
    static final class Image {
        @Option(names = "--jar", defaultValue = "podnic-cli/target/podnic.jar", description = "The podnic jar (default ${DEFAULT-VALUE}).")
        Path jar;
        @Option(names = "--dockerfile", defaultValue = "deploy/Dockerfile",
                description = "Whose ENTRYPOINT (JVM flags) starts the daemon (default ${DEFAULT-VALUE}).")
        Path dockerfile;

        /** `podnic node NODE_ARGS`, its output appended to {@code log}. */
        Process startNode(List<String> nodeArgs, Path log) throws Exception {
            return start(jar, dockerfile, nodeArgs, log);
        }
    }

    private DaemonProcess() {
    }

    static Process start(Path jar, Path dockerfile, List<String> nodeArgs, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(imageEntrypoint(jar, dockerfile));
        cmd.add("node");
        cmd.addAll(nodeArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static List<String> imageEntrypoint(Path jar, Path dockerfile) throws Exception {
        String line = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("ENTRYPOINT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(dockerfile + " has no ENTRYPOINT"));
        List<String> entry = new ArrayList<>();
        JSON.readTree(line.substring("ENTRYPOINT ".length())).forEach(n -> entry.add(n.asText()));
        int at = entry.indexOf("-jar");
        entry.set(at + 1, jar.toString());
        entry.add(1, "-XX:MaxRAM=256m"); // deploy/node-daemon.yaml: limits: {memory: 256Mi}
        return entry;
    }

    /** The first log line after {@code offset} containing {@code text}; fails when the daemon exits first. */
    static String await(Path log, long offset, String text, Process daemon) throws Exception {
        for (int i = 0; i < 6000; i++) {
            if (Files.exists(log)) {
                String s = Files.readString(log);
                String tail = s.substring((int) Math.min(offset, s.length()));
                for (String l : tail.lines().toList()) {
                    if (l.contains(text)) {
                        return l;
                    }
                }
            }
            if (!daemon.isAlive()) {
                throw new IllegalStateException("daemon exited: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no \"" + text + "\" in the daemon's log");
    }
}
