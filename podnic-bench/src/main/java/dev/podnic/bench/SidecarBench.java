package dev.podnic.bench;

import dev.podnic.kubevirt.testing.CgroupV1;
import dev.podnic.kubevirt.testing.VirtLauncherHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The KubeVirt sidecar on a VM's start path: from starting podnic-sidecar to its first Info answer
 * (asked through KubeVirt's hook .proto, the socket polled every millisecond rather than every 300 ms
 * as virt-launcher does, so that the sidecar's own time shows), without limits and within KubeVirt's
 * sidecar limits for guaranteed-QoS VMs (200m CPU, 64M memory; as user nobody; its binary's page cache
 * charged to it), with the memory cgroup's peak; against a bare JVM's start to exit in the same run
 * (the floor of any JVM sidecar, which the sidecar was until this benchmark's first run).
 */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = "podnic-sidecar start -> first Info, and its peak memory within KubeVirt's limits, vs a bare JVM, same run.")
final class SidecarBench implements Callable<Integer> {
    @Option(names = "--iterations", defaultValue = "20", description = "Measured rounds (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--warmup", defaultValue = "2", description = "Discarded rounds first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--sidecar", defaultValue = "podnic-cli/target/podnic-sidecar", description = "The executable (default ${DEFAULT-VALUE}).")
    Path sidecar;

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        CgroupV1.sweepLeftovers();
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-sidecar")) {
            Path work = scratch.path();
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path binary = work.resolve("podnic-sidecar");
            Files.copy(sidecar, binary);
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            String java = ProcessHandle.current().info().command().orElse("java");
            int oomKills = 0;
            for (int i = -warmup; i < iterations; i++) {
                boolean keep = i >= 0;
                long t0 = System.nanoTime();
                Process jvm = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                jvm.waitFor();
                double bareJvm = (System.nanoTime() - t0) / 1e6;

                double free = untilInfo(List.of(binary.toString(), "--socket-dir", work.resolve("free-" + i).toString()),
                        work.resolve("free-" + i + "/podnic.sock"));

                Path hooks = Files.createDirectories(work.resolve("limited-" + i));
                Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwxrwxrwx"));
                double limited;
                long peak;
                try (CgroupV1 limits = CgroupV1.create("pdnt-bench-sidecar-" + ProcessHandle.current().pid() + "-" + (i + warmup),
                        64_000_000, 20_000, 100_000)) {
                    // Joined before anything runs; the binary copied from inside, so its page cache counts as the container's.
                    String script = "for c in \"$@\"; do echo $$ > \"$c/cgroup.procs\"; done; cp " + binary + " " + hooks + "/sidecar-bin; "
                            + "exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs "
                            + hooks + "/sidecar-bin --socket-dir " + hooks;
                    List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, "sh"));
                    limits.dirs().forEach(d -> cmd.add(d.toString()));
                    limited = untilInfo(cmd, hooks.resolve("podnic.sock"));
                    peak = limits.memoryPeak();
                    oomKills += limits.oomKills();
                }
                if (keep) {
                    add("bare JVM: java -version, start to exit", bareJvm);
                    add("podnic-sidecar: start to first Info answered", free);
                    add("podnic-sidecar at 200m CPU / 64M: start to first Info answered", limited);
                    add("podnic-sidecar at 200m CPU / 64M: peak memory (cgroup, MB)", peak / 1e6);
                }
                System.err.printf("round %d/%d%n", i + 1, iterations);
            }
            System.out.println("## KubeVirt sidecar: start to first Info, ms; memory, MB (medians over " + iterations + " rounds)");
            System.out.println();
            System.out.println("| measure | median | p10 | p90 |");
            System.out.println("| --- | ---: | ---: | ---: |");
            samples.forEach((name, s) -> {
                Stats st = Stats.of(s);
                System.out.printf("| %s | %.1f | %.1f | %.1f |%n", name, st.median(), st.p10(), st.p90());
            });
            System.out.println();
            double free = Stats.of(samples.get("podnic-sidecar: start to first Info answered")).median();
            double jvm = Stats.of(samples.get("bare JVM: java -version, start to exit")).median();
            System.out.printf("podnic-sidecar start -> Info / bare JVM start -> exit: %.2f× (target: start -> Info ≤ 150 ms)%n", free / jvm);
            System.out.printf("peak memory at 64M: max %.1f MB (target ≤ 40 MB); OOM kills: %d%n",
                    samples.get("podnic-sidecar at 200m CPU / 64M: peak memory (cgroup, MB)").stream().mapToDouble(d -> d).max().orElse(0),
                    oomKills);
            return oomKills == 0 ? 0 : 1;
        }
    }

    /** Starts the sidecar, collects it as virt-launcher does (at a 1 ms poll), ends it by Shutdown; ms to the Info answer. */
    private static double untilInfo(List<String> cmd, Path socket) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (VirtLauncherHooks launcher = VirtLauncherHooks.collect(socket, Duration.ofSeconds(30), p::isAlive, Duration.ofMillis(1))) {
            double ms = (launcher.infoAnsweredNanos() - start) / 1e6;
            launcher.shutdown();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the sidecar did not exit after Shutdown");
            }
            return ms;
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private void add(String name, double value) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
}
