package dev.podnic.bench;

import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * `podnic node` as a real process, started as the deployed image starts it: through the image's entry
 * point (deploy/image/podnic: its JVM flags, and the class-data archive beside the jar when there is
 * one) with this build's jar, and the DaemonSet's memory limit (256Mi) as the JVM's view of the
 * machine, so heap sizing (MaxRAMPercentage) and hence RSS are what a node would see. Its log is a
 * file the benchmark reads.
 */
final class DaemonProcess {
    /** Which jar, started by which entry point: the benchmarks' options. */
    static final class Image {
        @Option(names = "--jar", defaultValue = "podnic-cli/target/podnic.jar", description = "The podnic jar (default ${DEFAULT-VALUE}).")
        Path jar;
        @Option(names = "--entry-point", defaultValue = "deploy/image/podnic",
                description = "The image's entry point, whose JVM flags start podnic (default ${DEFAULT-VALUE}).")
        Path entryPoint;

        /** `podnic node NODE_ARGS`, its output appended to {@code log}. */
        Process startNode(List<String> nodeArgs, Path log) throws Exception {
            return startNode(nodeArgs, log, "");
        }

        /** As {@link #startNode(List, Path)}, with JVM flags of the benchmark's own after the DaemonSet's. */
        Process startNode(List<String> nodeArgs, Path log, String javaOpts) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(entryPoint.toString(), "node"));
            cmd.addAll(nodeArgs);
            return start(cmd, log, javaOpts);
        }

        /**
         * The node daemon as the KubeVirt benchmarks run it: in the node's network namespace, as the DaemonSet's pod is (on
         * the host's network: its plugins start from any of its threads, no --node-netns), state under {@code work}, the
         * binding's and the CNI cache on a tmpfs as the DaemonSet keeps them (the binding's: {@link #bindingState}), the
         * node's plugins, no metrics, no periodic GC in the way, and the binding socket podnic-shim calls.
         */
        Process startBindingNode(WorkDirectory work, Path confDir, Path nodeNetns, Path bindingSocket, Path log) throws Exception {
            return startBindingNode(work, confDir, nodeNetns, bindingSocket, log, Optional.empty());
        }

        /** As above; with {@code timeline}, the daemon records its attach steps there (JFR), written as it exits. */
        Process startBindingNode(WorkDirectory work, Path confDir, Path nodeNetns, Path bindingSocket, Path log, Optional<Path> timeline)
                throws Exception {
            List<String> args = List.of("--socket", work.path().resolve("node.sock").toString(),
                    "--state-dir", work.path().resolve("state").toString(), "--binding-state-dir", bindingState(work).toString(),
                    "--cache-dir", work.onTmpfs().resolve("cni-cache").toString(),
                    "--conf-dir", confDir.toString(), "--bin-dir", "/usr/lib/cni",
                    "--metrics-address", "off", "--gc-interval", "3600", "--binding-socket", bindingSocket.toString());
            // (a child process lives in the network namespace of the thread that started it)
            try (NetnsThread inside = NetnsThread.enter(nodeNetns)) {
                return inside.call(() -> startNode(args, log, timeline.map(AttachTimeline::recordingTo).orElse("")));
            }
        }

        /** Where {@link #startBindingNode} has the daemon keep the binding's state per attachment. */
        static Path bindingState(WorkDirectory work) throws java.io.IOException {
            return work.onTmpfs().resolve("kubevirt");
        }

        private Process start(List<String> cmd, Path log, String javaOpts) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("PODNIC_JAR", jar.toAbsolutePath().toString());
            // deploy/node-daemon.yaml: limits: {memory: 256Mi}
            pb.environment().put("PODNIC_JAVA_OPTS", ("-XX:MaxRAM=256m " + javaOpts).strip());
            return pb.start();
        }
    }

    private DaemonProcess() {
    }

    /** The first log line after {@code offset} containing {@code text}; fails when the daemon exits first. */
    static String await(Path log, long offset, String text, Process daemon) throws Exception {
        return await(log, offset, text, daemon, Duration.ofMillis(50));
    }

    /**
     * As {@link #await(Path, long, String, Process)}, looking every {@code period} (short where the line's
     * arrival is what is timed), for up to 5 minutes.
     */
    static String await(Path log, long offset, String text, Process daemon, Duration period) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() - deadline < 0) {
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
            Thread.sleep(period.toMillis());
        }
        throw new IllegalStateException("no \"" + text + "\" in the daemon's log");
    }
}
