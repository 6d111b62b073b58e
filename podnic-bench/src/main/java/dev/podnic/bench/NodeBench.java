package dev.podnic.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The node daemon (`podnic node`, a real process) against the in-process runtime; throughput and
 * latency with many pods at once; its memory after many operations; a GC pass over orphans.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Node daemon: proxy vs in-process ADD+DEL, 50 concurrent pods, RSS after N ops, GC over orphans.")
final class NodeBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERL = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), "
            + "Peer => $ARGV[0]) or die \"connect: $!\\n\"; print $s $ARGV[1] . \"\\n\"; shutdown($s, 1); "
            + "local $/; my $r = <$s>; print $r;";

    @Option(names = "--iterations", defaultValue = "200", description = "Alternating proxy/in-process ADD+DEL (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--warmup", defaultValue = "200", description = "Warm-up ADD+DEL pairs before measuring (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--ops", defaultValue = "10000", description = "Daemon operations before measuring its RSS (default ${DEFAULT-VALUE}).")
    int ops;
    @Option(names = "--pods", defaultValue = "50", description = "Concurrent pods, two VMI interfaces each (default ${DEFAULT-VALUE}).")
    int pods;
    @Option(names = "--timeline", description = "Also record the first daemon's attach steps (JFR) and print each step's "
            + "median time after the connection was accepted, over the measured ADDs through the daemon.")
    boolean timeline;
    @Mixin
    DaemonProcess.Image image;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-node")) {
            return run(scratch.path(), scratch.onTmpfs());
        }
    }

    /** @param run where the DaemonSet has the daemon keep its CNI cache: a node's /run (the in-process runtime's goes there too) */
    private int run(Path work, Path run) throws Exception {
        Path conf = Files.createDirectories(work.resolve("net.d")).resolve("10-benchnet.conflist");
        Files.writeString(conf, "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"plugins\":[{\"type\":\"bridge\","
                + "\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.254.0.0/16\"}]]}},"
                + "{\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"512\"}}]}");
        Path socket = work.resolve("node.sock");
        Path log = work.resolve("daemon.log");
        try (BenchNamespaces ns = new BenchNamespaces()) {
            Path node = ns.create("nnode");
            Path pod = ns.create("npod");
            Path steps = work.resolve("timeline.jfr");
            Process daemon = image.startNode(daemonArgs(socket, work, run, node), log, timeline ? AttachTimeline.recordingTo(steps) : "");
            try {
                waitFor(log, "msg=\"serving\"", daemon);
                // 1. proxy vs in-process, from a process whose main thread lives in the pod
                List<String> child = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                        "-XX:+UseSerialGC", "-Dpodnic.bench.warmup=" + warmup, "-cp", System.getProperty("java.class.path"),
                        NodeBenchInPod.class.getName(),
                        socket.toString(), node.toString(), pod.toString(), conf.toString(), run.resolve("ipcache").toString(),
                        Integer.toString(iterations), Integer.toString(Math.max(0, ops / 2 - iterations - warmup))));
                String out;
                try (NetnsThread t = NetnsThread.enter(pod)) {
                    Process p = t.call(new ProcessBuilder(child).redirectErrorStream(true)::start);
                    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("client failed: " + out);
                    }
                }
                String[] lat = out.lines().filter(l -> l.startsWith("RESULT proxy")).findFirst().orElseThrow().split(" ");
                String roundByRound = out.lines().filter(l -> l.startsWith("RESULT round-by-round ")).findFirst().orElseThrow()
                        .substring("RESULT round-by-round ".length());
                String daemonOps = out.lines().filter(l -> l.startsWith("RESULT daemon-ops")).findFirst().orElseThrow().split(" ")[2];
                long rssKb = rss(daemon.pid());
                if (System.getenv("PODNIC_BENCH_SCRAPE") != null) {
                    System.out.println(new String(new java.net.URL("http://127.0.0.1:19465/metrics").openStream().readAllBytes()));
                }

                // 2. many pods at once, two VMI interfaces each; perl clients (started per request)
                List<Path> podPaths = new ArrayList<>();
                for (int i = 0; i < pods; i++) {
                    podPaths.add(ns.create("np" + i));
                }
                List<Double> perlList = new ArrayList<>();
                try (NetnsThread t = NetnsThread.enter(podPaths.get(0))) {
                    for (int i = 0; i < 20; i++) {
                        long t0 = System.nanoTime();
                        perl(t, socket, new String(NodeWire.request(NodeRequest.of(NodeRequest.LIST)), StandardCharsets.UTF_8).strip());
                        perlList.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                List<Double> addLatencies = Collections.synchronizedList(new ArrayList<>());
                int[] errors = {0};
                ExecutorService pool = Executors.newFixedThreadPool(pods);
                long w0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (Path pp : podPaths) {
                    fs.add(pool.submit(() -> {
                        try (NetnsThread t = NetnsThread.enter(pp)) {
                            for (String ifn : List.of("vmi0", "vmi1")) {
                                long t0 = System.nanoTime();
                                JsonNode r = perl(t, socket, request("ADD", pp.toString(), ifn, "c-" + pp.getFileName()));
                                addLatencies.add((System.nanoTime() - t0) / 1e6);
                                if (!r.path("ok").asBoolean()) {
                                    synchronized (errors) {
                                        errors[0]++;
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(600, TimeUnit.SECONDS);
                }
                double wall = (System.nanoTime() - w0) / 1e9;
                pool.shutdown();
                int allocated = new HostLocalStore(work.resolve("ipam"), "benchnet").allocations().size();

                // 3. the pods vanish without DEL while the daemon is down; its start-up GC pass frees them all
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
                for (Path pp : podPaths) {
                    ns.delete(pp);
                }
                long logBefore = Files.size(log);
                daemon = startDaemon(socket, work, run, node, log);
                String gcLine = waitForAfter(log, logBefore, "msg=\"start-up GC\"", daemon);
                waitForAfter(log, logBefore, "msg=\"serving\"", daemon);
                int leaked = new HostLocalStore(work.resolve("ipam"), "benchnet").allocations().size();

                Stats add = Stats.of(addLatencies);
                System.out.println("## node daemon (ms)");
                System.out.println();
                System.out.printf("ADD+DEL, median (p10, p90) over %s alternating iterations: through the daemon %s (%s, %s); "
                        + "in-process %s (%s, %s); raw plugin chain %s (%s, %s); daemon/in-process %.3f, daemon/raw %.3f%n",
                        lat[10], lat[2], lat[3], lat[4], lat[6], lat[7], lat[8], lat[12], lat[13], lat[14],
                        Double.parseDouble(lat[2]) / Double.parseDouble(lat[6]), Double.parseDouble(lat[2]) / Double.parseDouble(lat[12]));
                System.out.printf("round by round: daemon/in-process ADD+DEL %s%n", roundByRound);
                System.out.printf("%d pods x 2 ADDs at once: %d ADDs in %.2f s = %.1f ADD/s; per ADD p50 %.1f ms, p99 %.1f ms "
                        + "(each includes starting a perl client: %.1f ms median for a LIST); errors %d; distinct allocations %d%n",
                        pods, addLatencies.size(), wall, addLatencies.size() / wall, add.median(), percentile(addLatencies, 0.99),
                        Stats.of(perlList).median(), errors[0], allocated);
                System.out.printf("daemon RSS after %s operations: %d MB%n", daemonOps, rssKb / 1024);
                System.out.printf("GC pass (at start-up) over %d orphaned attachments: %s%n", allocated,
                        gcLine.substring(gcLine.indexOf("freed=")));
                System.out.printf("host-local allocations left: %d%n", leaked);
                if (timeline) { // (the first daemon's, written as it was stopped: its ADDs one at a time, then the pods')
                    List<AttachTimeline.Add> adds = AttachTimeline.read(steps, AttachStep.CHECKED);
                    List<AttachTimeline.Add> measured = adds.subList(Math.min(warmup, adds.size()), Math.min(warmup + iterations, adds.size()));
                    System.out.printf("the daemon's timeline of a launcher's ADD (JFR steps; medians after it accepted the "
                            + "connection, n=%d):%n%s", measured.size(), AttachTimeline.medians(measured));
                }
                return leaked == 0 && errors[0] == 0 ? 0 : 1;
            } finally {
                if (System.getenv("PODNIC_BENCH_SCRAPE") != null && Files.exists(log)) {
                    java.util.Map<String, List<Double>> m = new java.util.TreeMap<>();
                    for (String l : Files.readAllLines(log)) {
                        if (l.startsWith("PROF")) {
                            String[] f = l.split(" ");
                            for (int i = 1; i + 1 < f.length; i += 2) {
                                m.computeIfAbsent(f[i], k -> new ArrayList<>()).add(Double.parseDouble(f[i + 1]));
                            }
                        }
                    }
                    m.forEach((k, v) -> System.out.printf("PROF %s median %.2f%n", k, Stats.of(v).median()));
                }
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private Process startDaemon(Path socket, Path work, Path run, Path node, Path log) throws Exception {
        return image.startNode(daemonArgs(socket, work, run, node), log);
    }

    private static List<String> daemonArgs(Path socket, Path work, Path run, Path node) {
        return List.of("--socket", socket.toString(), "--state-dir",
                work.resolve("state").toString(), "--cache-dir", run.resolve("cni-cache").toString(), "--conf-dir", work.resolve("net.d").toString(), "--bin-dir", "/usr/lib/cni",
                "--node-netns", node.toString(), "--metrics-address", "127.0.0.1:19465", "--gc-interval", "3600", "--workers", "64",
                "--binding-socket", "off");
    }

    private static String request(String op, String netns, String ifName, String vmi) {
        return new String(NodeWire.request(NodeRequest.attachment(op, netns, ifName, vmi, "")), StandardCharsets.UTF_8).strip();
    }

    private static JsonNode perl(NetnsThread t, Path socket, String req) throws Exception {
        Process p = t.call(new ProcessBuilder("perl", "-e", PERL, socket.toString(), req).redirectErrorStream(true)::start);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        return JSON.readTree(out);
    }

    private static double percentile(List<Double> xs, double q) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
    }

    private static long rss(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void waitFor(Path log, String text, Process daemon) throws Exception {
        DaemonProcess.await(log, 0, text, daemon);
    }

    private static String waitForAfter(Path log, long offset, String text, Process daemon) throws Exception {
        return DaemonProcess.await(log, offset, text, daemon);
    }
}
