package dev.podnic.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A cold podnic process, as an operator or a launcher pod starts it (the image's entry point with its
 * JVM flags and class-data archive), against what it replaces, interleaved in one run: Debian's libcni
 * in a small Go CLI (a fresh process per call, the same plugin chain) for {@code cni add} + {@code del};
 * a bare {@code java -version} with the same flags for {@code --version} and {@code node ls}; and the
 * time from starting {@code vmi up} to its first request to the node daemon (a socket this benchmark
 * listens on, which then hangs up).
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Cold podnic commands vs Debian's libcni Go CLI and a bare JVM, same run.")
final class StartupBench implements Callable<Integer> {
    private static final String BIN = "/usr/lib/cni";

    @Option(names = "--iterations", defaultValue = "15", description = "Measured rounds (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--warmup", defaultValue = "2", description = "Discarded rounds first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--entry-point", defaultValue = "deploy/image/podnic", description = "The podnic command (default ${DEFAULT-VALUE}).")
    Path entryPoint;
    @Option(names = "--jar", defaultValue = "podnic-cli/target/podnic.jar", description = "Its jar (default ${DEFAULT-VALUE}).")
    Path jar;
    @Option(names = "--launcher", defaultValue = "./podnic", description = "The checkout's launcher, timed for --version too (default ${DEFAULT-VALUE}).")
    Path launcher;
    @Option(names = "--go-source", defaultValue = "podnic-bench/src/main/go/cni-cli/main.go",
            description = "The libcni CLI (default ${DEFAULT-VALUE}).")
    Path goSource;

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(jar.resolveSibling("podnic.jsa"))) {
            System.err.println("note: no class-data archive beside " + jar + " (./podnic makes one): podnic starts without it");
        }
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench"); BenchNamespaces ns = new BenchNamespaces()) {
            Path work = scratch.path();
            Path node = ns.create("node");
            Path pod = ns.create("pod");
            Path ipam = work.resolve("ipam");
            Path confDir = Files.createDirectories(work.resolve("net.d"));
            Files.writeString(confDir.resolve("10-benchnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"plugins\":["
                    + "{\"type\":\"bridge\",\"bridge\":\"pdnbench0\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\","
                    + "\"dataDir\":\"" + ipam + "\",\"ranges\":[[{\"subnet\":\"10.253.0.0/16\"}]]}},"
                    + "{\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"512\"}}]}");
            Path go = GoProgram.build(goSource, work, "cni-cli");
            Path state = work.resolve("node-state");
            writeLedger(state.resolve("ledger"));
            Path vmi = work.resolve("vmi.yaml");
            Files.writeString(vmi, "kind: VirtualMachine\nmetadata: {name: bench, namespace: default}\nspec:\n  domain:\n    devices:\n"
                    + "      interfaces:\n      - type: pod-network\n        mac: {address: \"02:70:64:00:00:0b\"}\n");
            Path socket = work.resolve("node.sock");
            Path errors = work.resolve("errors.log");

            try (NetnsThread here = NetnsThread.enter(node); ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                daemon.bind(UnixDomainSocketAddress.of(socket));
                daemon.configureBlocking(false);
                Runner run = new Runner(here, errors);
                List<String> goArgs = List.of(confDir.toString(), "benchnet", BIN, work.resolve("go-cache-cni").toString(),
                        pod.toString(), "vmi0");
                List<String> cniArgs = List.of("--net", "benchnet", "--conf-dir", confDir.toString(), "--bin-dir", BIN,
                        "--cache-dir", work.resolve("cni-cache").toString(), "--netns", pod.toString(), "--ifname", "vmi0");
                for (int i = -warmup; i < iterations; i++) {
                    boolean keep = i >= 0;
                    String id = "bench-" + (i + warmup);
                    double goAdd = run.time(cmd(List.of(go.toString(), "add"), goArgs, List.of(id)), null);
                    double goDel = run.time(cmd(List.of(go.toString(), "del"), goArgs, List.of(id)), null);
                    double add = run.time(cmd(List.of(entryPoint.toString(), "cni", "add"), cniArgs, List.of("--container-id", id)), null);
                    double del = run.time(cmd(List.of(entryPoint.toString(), "cni", "del"), cniArgs, List.of("--container-id", id)), null);
                    double javaVersion = run.time(List.of(entryPoint.toString(), "--version"), "-version");
                    double version = run.time(List.of(entryPoint.toString(), "--version"), null);
                    double ls = run.time(List.of(entryPoint.toString(), "node", "ls", "--state-dir", state.toString()), null);
                    double checkout = run.time(List.of(launcher.toString(), "--version"), null);
                    double firstRequest = untilFirstRequest(here, daemon, List.of(entryPoint.toString(), "vmi", "up", vmi.toString(),
                            "--pod-netns", pod.toString(), "--proxy", socket.toString(), "--state-dir", work.resolve("vmi-state").toString(),
                            "--dhcp", "dnsmasq", "--net", "benchnet", "--conf-dir", confDir.toString(),
                            "--cache-dir", work.resolve("cni-cache").toString()), work.resolve("vmi-state"), errors);
                    if (keep) {
                        add("Go libcni CLI: add + del", goAdd + goDel);
                        add("podnic cni add + del", add + del);
                        add("Go libcni CLI: add", goAdd);
                        add("podnic cni add", add);
                        add("bare JVM: java -version, same flags", javaVersion);
                        add("podnic --version", version);
                        add("podnic node ls (2 entries)", ls);
                        add("podnic vmi up: start to first request", firstRequest);
                        add("./podnic --version (checkout launcher)", checkout);
                    }
                    System.err.printf("round %d/%d%n", i + 1, iterations);
                }
            }
            int leaked = new HostLocalStore(ipam, "benchnet").allocations().size();
            report(leaked);
            return leaked == 0 ? 0 : 1;
        }
    }

    private static List<String> cmd(List<String> head, List<String> middle, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(middle);
        all.addAll(tail);
        return all;
    }

    private void add(String name, double ms) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
    }

    /** Milliseconds from starting {@code cmd} to the connection it makes to {@code daemon}, which is then closed. */
    private double untilFirstRequest(NetnsThread here, ServerSocketChannel daemon, List<String> cmd, Path vmiState, Path errors)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
        pb.environment().put("PODNIC_JAR", jar.toAbsolutePath().toString());
        try (Selector selector = Selector.open()) {
            daemon.register(selector, SelectionKey.OP_ACCEPT);
            long t0 = System.nanoTime();
            Process p = here.call(pb::start);
            if (selector.select(60_000) == 0) {
                p.destroyForcibly();
                throw new IOException("vmi up made no request within 60 s; see " + Files.readString(errors));
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            try (SocketChannel c = daemon.accept()) {
                c.shutdownOutput(); // the launcher's request fails: it was only timed
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("vmi up did not end after the daemon hung up");
            }
            daemon.keyFor(selector).cancel();
            deleteTree(vmiState); // a fresh launcher each round, not a rerun
            return ms;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Two entries as the daemon writes them (a dual-stack one and a single-stack one). */
    private static void writeLedger(Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Ledger ledger = new Ledger(dir);
        ledger.put(new LedgerEntry("bench-a", "vmi0", "benchnet", "uid-a", "/run/netns/a", 1, 2, LedgerEntry.State.ADDED, 0,
                System.currentTimeMillis(), json.createObjectNode(),
                json.readTree("{\"ips\":[{\"address\":\"10.253.0.2/16\"},{\"address\":\"fd00::2/64\"}]}"), "pod-a"), false);
        ledger.put(new LedgerEntry("bench-b", "vmi1", "benchnet", "uid-b", "/run/netns/b", 1, 3, LedgerEntry.State.ADDED, 0,
                System.currentTimeMillis(), json.createObjectNode(), json.readTree("{\"ips\":[{\"address\":\"10.253.0.3/16\"}]}"), "pod-b"),
                false);
    }

    /** Runs commands from the node namespace (where the plugins' host sides belong) and times them. */
    private final class Runner {
        private final NetnsThread here;
        private final Path errors;

        Runner(NetnsThread here, Path errors) {
            this.here = here;
            this.errors = errors;
        }

        /** Wall milliseconds of {@code cmd} from start to exit; {@code javaOpts} into PODNIC_JAVA_OPTS. */
        double time(List<String> cmd, String javaOpts) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()));
            pb.environment().put("PODNIC_JAR", jar.toAbsolutePath().toString());
            if (javaOpts != null) {
                pb.environment().put("PODNIC_JAVA_OPTS", javaOpts);
            }
            long t0 = System.nanoTime();
            Process p = here.call(pb::start);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd + " did not end within 120 s");
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(errors));
            }
            return ms;
        }
    }

    private void report(int leaked) {
        System.out.println("## Cold start, ms (medians over " + iterations + " interleaved rounds)");
        System.out.println();
        System.out.println("| command | median | p10 | p90 |");
        System.out.println("| --- | --- | --- | --- |");
        samples.forEach((name, s) -> {
            Stats st = Stats.of(s);
            System.out.printf("| %s | %.1f | %.1f | %.1f |%n", name, st.median(), st.p10(), st.p90());
        });
        double jvm = median("bare JVM: java -version, same flags");
        System.out.println();
        System.out.printf("podnic cni add + del / Go libcni CLI add + del: %.2f× (target ≤ 2×)%n",
                median("podnic cni add + del") / median("Go libcni CLI: add + del"));
        System.out.printf("podnic --version %.0f ms, node ls %.0f ms (target ≤ 150 ms each); bare JVM %.0f ms: %.2f× and %.2f× of it%n",
                median("podnic --version"), median("podnic node ls (2 entries)"), jvm, median("podnic --version") / jvm,
                median("podnic node ls (2 entries)") / jvm);
        System.out.printf("vmi up, start to first request: %.0f ms (target ≤ 150 ms)%n", median("podnic vmi up: start to first request"));
        System.out.printf("host-local allocations left: %d%n", leaked);
    }

    private double median(String name) {
        return Stats.of(samples.get(name)).median();
    }
}
