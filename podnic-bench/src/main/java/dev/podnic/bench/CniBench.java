package dev.podnic.bench;

import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ADD+DEL of a bridge+tuning chain (host-local IPAM) through podnic-cni in-process, against the
 * same chain executed directly by a bash driver, alternating one iteration each so both see the
 * same machine; then the cold wall time of {@code podnic cni add} (a fresh JVM).
 */
@Command(name = "cni", mixinStandardHelpOptions = true,
        description = "podnic-cni ADD+DEL latency vs the raw plugin chain, and cold CLI wall time.")
final class CniBench implements Callable<Integer> {
    private static final String BIN = "/usr/lib/cni";

    private static final int WARMUP = 50;

    @Option(names = "--iterations", defaultValue = "300",
            description = "Measured ADD+DEL iterations per side, alternating (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--cold-runs", defaultValue = "7", description = "Cold CLI runs (default ${DEFAULT-VALUE}).")
    int coldRuns;
    @Option(names = "--cli", defaultValue = "./podnic", description = "The podnic command for the cold runs (default ${DEFAULT-VALUE}).")
    Path cli;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench"); BenchNamespaces ns = new BenchNamespaces()) {
            Path work = scratch.path();
            Path node = ns.create("node");
            Path pod = ns.create("pod");
            Path ipam = work.resolve("ipam");
            String bridge = "{\"type\":\"bridge\",\"bridge\":\"pdnbench0\",\"isGateway\":true,\"ipMasq\":false,"
                    + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + ipam + "\",\"ranges\":[[{\"subnet\":\"10.253.0.0/16\"}]]}}";
            String tuning = "{\"type\":\"tuning\",\"sysctl\":{\"net.core.somaxconn\":\"512\"}}";
            String list = "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"plugins\":[" + bridge + "," + tuning + "]}";
            Path confDir = Files.createDirectories(work.resolve("net.d"));
            Files.writeString(confDir.resolve("10-benchnet.conflist"), list);
            NetworkConfigList net = new ConfigParser().parseList(list.getBytes(StandardCharsets.UTF_8), "bench");
            String inject = ",\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\"";
            String bridgeStdin = bridge.substring(0, bridge.length() - 1) + inject + "}";
            String tuningPrefix = tuning.substring(0, tuning.length() - 1) + inject;
            Path driver = work.resolve("cni-direct.sh");
            try (InputStream in = CniBench.class.getResourceAsStream("cni-direct.sh")) {
                Files.write(driver, in.readAllBytes());
            }

            List<Double> podnic = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            try (NetnsThread nodeThread = NetnsThread.enter(node); ProcessPluginExec exec = new ProcessPluginExec(nodeThread)) {
                CniRuntime runtime = new CniRuntime(List.of(Path.of(BIN)), work.resolve("cache"), Duration.ofSeconds(30), exec);
                ProcessBuilder pb = new ProcessBuilder("bash", driver.toString(), BIN, pod.toString(), bridgeStdin, tuningPrefix)
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
                Process baseline = nodeThread.call(pb::start); // in the node namespace, like podnic's plugins
                try (var toDriver = new java.io.PrintWriter(baseline.getOutputStream(), true);
                     var fromDriver = new java.io.BufferedReader(new java.io.InputStreamReader(baseline.getInputStream()))) {
                    // Alternate one iteration each, so both sides see the same machine; the first
                    // WARMUP pairs warm the JIT and the kernel and are discarded.
                    for (int i = -WARMUP; i < iterations; i++) {
                        RuntimeConf rt = RuntimeConf.of("bench-p" + (i + WARMUP), pod.toString(), "vmi0");
                        long t0 = System.nanoTime();
                        runtime.add(net, rt);
                        runtime.del(net, rt);
                        double ours = (System.nanoTime() - t0) / 1e6;
                        toDriver.println("bench-d" + (i + WARMUP));
                        String line = fromDriver.readLine();
                        if (line == null) {
                            throw new IOException("the direct driver stopped; see its errors above");
                        }
                        if (i >= 0) {
                            podnic.add(ours);
                            direct.add(Long.parseLong(line.strip()) / 1000.0);
                        }
                        if (i >= 0 && (i + 1) % 50 == 0) {
                            System.err.printf("%d/%d iterations%n", i + 1, iterations);
                        }
                    }
                }
                baseline.waitFor();
            }
            List<Double> cold = coldCli(confDir, work, node, pod);
            int leaked = new HostLocalStore(ipam, "benchnet").allocations().size();
            List<Double> pairRatios = new ArrayList<>();
            for (int i = 0; i < podnic.size(); i++) {
                pairRatios.add(podnic.get(i) / direct.get(i));
            }
            report(Stats.of(podnic), Stats.of(direct), Stats.of(pairRatios), cold.isEmpty() ? null : Stats.of(cold), leaked);
            return leaked == 0 ? 0 : 1;
        }
    }

    private List<Double> coldCli(Path confDir, Path work, Path node, Path pod) throws Exception {
        if (!Files.isExecutable(cli)) {
            System.err.println("no podnic command at " + cli + ": cold runs skipped (run from the repository root)");
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) {
            List<String> common = List.of("--net", "benchnet", "--conf-dir", confDir.toString(), "--bin-dir", BIN,
                    "--cache-dir", work.resolve("cache").toString(), "--node-netns", node.toString(),
                    "--netns", pod.toString(), "--ifname", "vmi0", "--container-id", "bench-cold" + i);
            long t0 = System.nanoTime();
            cli("add", common);
            out.add((System.nanoTime() - t0) / 1e6);
            cli("del", common);
        }
        return out;
    }

    private void cli(String cmd, List<String> args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cli.toString(), "cni", cmd));
        c.addAll(args);
        Process p = new ProcessBuilder(c).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IOException("podnic cni " + cmd + " failed");
        }
    }

    private void report(Stats podnic, Stats direct, Stats pairs, Stats cold, int leaked) {
        System.out.println("## CNI ADD+DEL, bridge+tuning (host-local), ms");
        System.out.println();
        System.out.println("| path | median | p10 | p90 | n |");
        System.out.println("| --- | --- | --- | --- | --- |");
        row("podnic-cni in-process", podnic);
        row("direct chain (bash driver)", direct);
        System.out.printf("%nratio podnic / direct: %.3f (of the medians); %.3f (median of the %d paired iterations)%n",
                podnic.median() / direct.median(), pairs.median(), pairs.n());
        if (cold != null) {
            System.out.printf("cold `./podnic cni add` wall time (launcher script + fresh JVM, ADD only): median %.0f ms, p10 %.0f, p90 %.0f (n=%d)%n",
                    cold.median(), cold.p10(), cold.p90(), cold.n());
        }
        System.out.printf("host-local allocations left after the run: %d%n", leaked);
    }

    private static void row(String name, Stats s) {
        System.out.printf("| %s | %.1f | %.1f | %.1f | %d |%n", name, s.median(), s.p10(), s.p90(), s.n());
    }

}
