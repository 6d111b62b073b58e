package dev.podnic.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessLaunch;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.api.NodeClient;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the node benchmark, started by {@link NodeBench} with its main thread inside
 * the pod's namespace (so the daemon sees it as that pod): ADD+DEL through the daemon, through the
 * in-process runtime, alternating; then many proxy operations for the daemon's memory.
 * Args: SOCKET NODE_NETNS POD_NETNS CONFLIST CACHE_DIR ITERATIONS EXTRA_OPS
 */
public final class NodeBenchInPod {
    private NodeBenchInPod() {
    }

    public static void main(String[] a) throws Exception {
        ProcessLaunch.preferVfork();
        Path socket = Path.of(a[0]);
        Path node = Path.of(a[1]);
        String pod = a[2];
        NetworkConfigList net = new ConfigParser()
                .parseList(Files.readAllBytes(Path.of(a[3])), a[3]);
        int iterations = Integer.parseInt(a[5]);
        int extra = Integer.parseInt(a[6]);
        NodeClient client = new NodeClient(socket);
        List<Double> proxy = new ArrayList<>();
        List<Double> inProcess = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        // The raw chain: the same plugins' stdin as the runtime would send, run by the bash driver.
        String inject = ",\"cniVersion\":\"" + net.cniVersion() + "\",\"name\":\"" + net.name() + "\"";
        String bridge = net.plugins().get(0).raw().toString();
        String tuning = net.plugins().get(1).raw().toString();
        String bridgeStdin = bridge.substring(0, bridge.length() - 1) + inject + "}";
        String tuningPrefix = tuning.substring(0, tuning.length() - 1) + inject;
        Path driver = Files.createTempFile("cni-direct", ".sh");
        try (var in = NodeBenchInPod.class.getResourceAsStream("cni-direct.sh")) {
            Files.write(driver, in.readAllBytes());
        }
        try (NetnsThread nodeThread = NetnsThread.enter(node); ProcessPluginExec exec = new ProcessPluginExec(nodeThread)) {
            CniRuntime cni = new CniRuntime(List.of(Path.of("/usr/lib/cni")), Path.of(a[4]), Duration.ofSeconds(30), exec);
            Process baseline = nodeThread.call(new ProcessBuilder("bash", driver.toString(), "/usr/lib/cni", pod, bridgeStdin,
                    tuningPrefix).redirectError(ProcessBuilder.Redirect.INHERIT)::start);
            var toDriver = new java.io.PrintWriter(baseline.getOutputStream(), true);
            var fromDriver = new java.io.BufferedReader(new java.io.InputStreamReader(baseline.getInputStream()));
            int warmup = Integer.getInteger("podnic.bench.warmup", 30);
            for (int i = -warmup; i < iterations; i++) {
                long t0 = System.nanoTime();
                call(client, "ADD", pod, "vmi0", "bench-" + i);
                call(client, "DEL", pod, "vmi0", "bench-" + i);
                double p = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                RuntimeConf rt = RuntimeConf.of("bench-ip-" + i, pod, "vmi1");
                cni.add(net, rt);
                cni.del(net, rt);
                double q = (System.nanoTime() - t1) / 1e6;
                toDriver.println("bench-raw-" + i);
                double r = Long.parseLong(fromDriver.readLine().strip()) / 1000.0;
                if (i >= 0) {
                    proxy.add(p);
                    inProcess.add(q);
                    raw.add(r);
                }
            }
            toDriver.close();
            baseline.waitFor();
        } finally {
            Files.deleteIfExists(driver);
        }
        Stats sp = Stats.of(proxy);
        Stats si = Stats.of(inProcess);
        Stats sr = Stats.of(raw);
        System.out.printf("RESULT proxy %.1f %.1f %.1f in-process %.1f %.1f %.1f n %d raw %.1f %.1f %.1f%n", sp.median(), sp.p10(),
                sp.p90(), si.median(), si.p10(), si.p90(), sp.n(), sr.median(), sr.p10(), sr.p90());
        // Round by round (both ran in each, one after the other): what the run's luck alone could move the ratio by.
        System.out.println("RESULT round-by-round " + Paired.ratio(inProcess, proxy).format("%.3f") + ", daemon - in-process "
                + Paired.difference(inProcess, proxy).format("%.1f") + " ms");
        for (int i = 0; i < extra; i++) {
            call(client, "ADD", pod, "vmi2", "mem-" + i);
            call(client, "DEL", pod, "vmi2", "mem-" + i);
        }
        System.out.println("RESULT daemon-ops " + (2 * extra + 2 * (iterations + Integer.getInteger("podnic.bench.warmup", 30))));
    }

    private static void call(NodeClient c, String op, String netns, String ifName, String vmi) throws Exception {
        NodeResponse r = c.call(NodeRequest.attachment(op, netns, ifName, vmi, ""));
        if (!r.ok()) {
            throw new IllegalStateException(op + " failed: " + r);
        }
    }
}
