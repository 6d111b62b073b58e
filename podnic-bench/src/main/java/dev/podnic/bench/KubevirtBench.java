package dev.podnic.bench;

import dev.podnic.api.VmNames;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.shim.CniShim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The KubeVirt binding's CNI ADD as Multus makes it — Debian's libcni (the multus-delegate stand-in
 * from podnic-kubevirt's tests) running podnic-shim, which forwards to the node daemon (a real
 * process) — against the same libcni running the cluster network's own delegate chain (bridge +
 * host-local + tuning), interleaved in one run. Also podnic-shim's own cost: VERSION (which it answers
 * itself, as CNI's skel does) next to exec'ing /bin/true.
 */
@Command(name = "kubevirt", mixinStandardHelpOptions = true,
        description = "KubeVirt binding: binding CNI ADD/DEL via libcni vs the delegate chain's; podnic-shim's own cost.")
final class KubevirtBench implements Callable<Integer> {
    @Option(names = "--iterations", defaultValue = "100", description = "Measured rounds (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--warmup", defaultValue = "20", description = "Discarded rounds first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--overlap-unwiring", description = "Start the next call while the binding's DEL still removes the pod's "
            + "bridge and tap (as runs before 2026-12-07's fourth session did); by default each call waits until they are gone.")
    boolean overlapUnwiring;
    @Option(names = "--timeline", description = "Also record the daemon's attach steps (JFR) and print each step's median "
            + "time after the connection was accepted, over the measured binding ADDs: which step waits on which.")
    boolean timeline;
    @Mixin
    DaemonProcess.Image image;
    @Option(names = "--multus-delegate-source", defaultValue = "podnic-kubevirt/src/test/go/multus-delegate/main.go",
            description = "The Go stand-in for Multus, built here with Debian's libcni (default ${DEFAULT-VALUE}).")
    Path goSource;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-kubevirt")) {
            return run(scratch);
        }
    }

    private int run(WorkDirectory scratch) throws Exception {
        Path work = scratch.path();
        Path netd = Files.createDirectories(work.resolve("net.d"));
        String cluster = "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-podnic\","
                + "\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + work.resolve("ipam")
                + "\",\"ranges\":[[{\"subnet\":\"10.254.0.0/16\"}]]}},{\"type\":\"tuning\",\"mtu\":1400}]}";
        Files.writeString(netd.resolve("10-benchnet.conflist"), cluster);
        Path clusterNad = Files.writeString(work.resolve("cluster.json"), cluster);
        Path bindingNad = Files.writeString(work.resolve("podnic-binding.json"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\"}");
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path shim = CniShim.install(bin);
        Path multus = buildMultusDelegate(work);
        Path binding = work.resolve("state/binding.sock");
        Path log = work.resolve("daemon.log");
        try (BenchNamespaces ns = new BenchNamespaces()) {
            Path node = ns.create("knode");
            Path pod = ns.create("kpod");
            Path steps = work.resolve("timeline.jfr");
            Process daemon = image.startBindingNode(scratch, netd, node, binding, log, timeline ? Optional.of(steps) : Optional.empty());
            int status;
            try (NetnsThread multusHere = NetnsThread.enter(node)) {
                DaemonProcess.await(log, 0, "msg=\"serving\"", daemon);
                Map<String, String> env = Map.of("CNI_PATH", bin + ":/usr/lib/cni", "CNI_CACHE_DIR", work.resolve("cache").toString(),
                        "PODNIC_BINDING_SOCKET", binding.toString());
                String sandbox = "benchsandbox" + ProcessHandle.current().pid();
                Delegate d = new Delegate(multusHere, multus, env, sandbox, pod);
                d.run("add", clusterNad, "eth0", null); // the pod's own eth0, as in a cluster
                List<Double> rawAdd = new ArrayList<>();
                List<Double> rawDel = new ArrayList<>();
                List<Double> bindAdd = new ArrayList<>();
                List<Double> bindDel = new ArrayList<>();
                List<Double> directAdd = new ArrayList<>();
                List<Double> version = new ArrayList<>();
                List<Double> trueExec = new ArrayList<>();
                long chainCpu = 0; // libcni and the chain's plugins, for the measured rounds' chain ADD and DEL
                long bindingCpu = 0; // libcni and podnic-shim, for the measured rounds' binding ADD and DEL through libcni
                CpuTime.OfProcess daemonBefore = null;
                for (int i = 0; i < warmup + iterations; i++) {
                    boolean keep = i >= warmup;
                    if (i == warmup) {
                        daemonBefore = CpuTime.OfProcess.of(daemon.pid());
                    }
                    long cpu0 = CpuTime.children();
                    double a = d.run("add", clusterNad, "net5", null);
                    double b = d.run("del", clusterNad, "net5", null);
                    long cpu1 = CpuTime.children();
                    double c = d.run("add", bindingNad, "net1", "{\"logicNetworkName\":\"default\"}");
                    double e = d.run("del", bindingNad, "net1", "{\"logicNetworkName\":\"default\"}");
                    long cpu2 = CpuTime.children();
                    awaitUnwired(pod, VmNames.bridge("vmi1"), VmNames.tap("default"));
                    Map<String, String> direct = Map.of("CNI_CONTAINERID", sandbox, "CNI_NETNS", pod.toString(), "CNI_IFNAME", "net2",
                            "CNI_ARGS", "K8S_POD_NAMESPACE=bench;K8S_POD_NAME=virt-launcher-bench-x;K8S_POD_UID=0a1b2c3d",
                            "PODNIC_BINDING_SOCKET", binding.toString());
                    String directConf = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
                            + "\"args\":{\"cni\":{\"logicNetworkName\":\"direct\"}}}";
                    double da = time(multusHere, new ProcessBuilder(shim.toString()), with(direct, "ADD"), directConf);
                    time(multusHere, new ProcessBuilder(shim.toString()), with(direct, "DEL"), directConf);
                    awaitUnwired(pod, VmNames.bridge("vmi2"), VmNames.tap("direct"));
                    double v = time(multusHere, new ProcessBuilder(shim.toString()), Map.of("CNI_COMMAND", "VERSION",
                            "PODNIC_BINDING_SOCKET", binding.toString()), "{\"cniVersion\":\"1.0.0\"}");
                    double t = time(multusHere, new ProcessBuilder("/bin/true"), Map.of(), "");
                    if (keep) {
                        chainCpu += cpu1 - cpu0;
                        bindingCpu += cpu2 - cpu1;
                        rawAdd.add(a);
                        rawDel.add(b);
                        bindAdd.add(c);
                        bindDel.add(e);
                        version.add(v);
                        directAdd.add(da);
                        trueExec.add(t);
                    }
                }
                // The daemon served two binding ADDs and DELs a round (through libcni, and from podnic-shim directly).
                CpuTime.OfProcess daemonCpu = CpuTime.OfProcess.of(daemon.pid()).minus(daemonBefore);
                d.run("del", clusterNad, "eth0", null);
                int left = new HostLocalStore(work.resolve("ipam"), "benchnet").allocations().size();
                Stats ra = Stats.of(rawAdd);
                Stats ba = Stats.of(bindAdd);
                Stats rd = Stats.of(rawDel);
                Stats bd = Stats.of(bindDel);
                Stats ve = Stats.of(version);
                Stats tr = Stats.of(trueExec);
                System.out.println("## KubeVirt binding (ms, libcni as Multus runs delegates)");
                System.out.println();
                System.out.printf("delegate chain ADD %s%nbinding ADD %s%nbinding/chain ADD median %.2f%n", ra, ba, ba.median() / ra.median());
                System.out.printf("delegate chain DEL %s%nbinding DEL %s%nbinding/chain DEL median %.2f%n", rd, bd, bd.median() / rd.median());
                // Round by round (both ran in each): what the run's luck alone could move the figures by.
                System.out.printf("round by round: binding/chain ADD %s, binding - chain ADD %s ms; binding/chain DEL %s%n",
                        Paired.ratio(rawAdd, bindAdd).format("%.3f"), Paired.difference(rawAdd, bindAdd).format("%.1f"),
                        Paired.ratio(rawDel, bindDel).format("%.3f"));
                System.out.printf("binding ADD with podnic-shim exec'd directly (no libcni) %s%n", Stats.of(directAdd));
                System.out.printf("podnic-shim VERSION (its own answer, no daemon) %s%nexec of /bin/true %s%n"
                        + "podnic-shim's own cost (VERSION - /bin/true) median %.2f%n", ve, tr, ve.median() - tr.median());
                double chainMs = chainCpu / 1e6 / iterations;
                double shimMs = bindingCpu / 1e6 / iterations;
                double daemonMs = daemonCpu.own() / 1e6 / (2.0 * iterations);
                double pluginsMs = daemonCpu.children() / 1e6 / (2.0 * iterations);
                System.out.printf("CPU (user + system) per ADD and DEL, ms: delegate chain %.1f (libcni and its plugins); binding %.1f "
                        + "= libcni and podnic-shim %.1f + the node daemon's own %.1f + the plugins it ran %.1f; binding/chain %.2f%n",
                        chainMs, shimMs + daemonMs + pluginsMs, shimMs, daemonMs, pluginsMs, (shimMs + daemonMs + pluginsMs) / chainMs);
                // Where the binding's ADD goes, as the daemon books it per vNIC (the measured rounds only, through libcni).
                List<BindingBooking> booked = BindingBooking.read(log, "default");
                List<BindingBooking> measured = booked.subList(Math.min(warmup, booked.size()), booked.size());
                System.out.printf("the daemon's booking of a binding ADD, medians: %s%n", BindingBooking.medians(measured));
                java.util.regex.Pattern freedLine = java.util.regex.Pattern.compile("freed KubeVirt binding attachment \\S+-net1: .*\\(in (\\d+) ms\\)");
                List<Double> freed = Files.readAllLines(log).stream().map(freedLine::matcher).filter(java.util.regex.Matcher::find)
                        .map(m -> Double.parseDouble(m.group(1))).toList();
                System.out.printf("the daemon's booking of a binding DEL (as answered: its bridge and tap are removed after), median %.0f ms%n",
                        Stats.of(freed.subList(Math.min(warmup, freed.size()), freed.size())).median());
                System.out.printf("host-local allocations left: %d%n", left);
                status = left == 0 ? 0 : 1;
            } finally {
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
            }
            if (timeline) { // (written as the daemon exited)
                List<AttachTimeline.Add> adds = AttachTimeline.read(steps, AttachStep.BINDING_ADD);
                // Two binding ADDs a round (through libcni, then podnic-shim directly): the warm-up's left out.
                List<AttachTimeline.Add> measured = adds.subList(Math.min(2 * warmup, adds.size()), adds.size());
                System.out.printf("the daemon's timeline of a binding ADD (JFR steps; medians after it accepted the connection, "
                        + "n=%d):%n%s", measured.size(), AttachTimeline.medians(measured));
            }
            return status;
        }
    }

    /**
     * Waits (untimed) until a binding DEL has removed what it removes after answering — the pod's bridge
     * and the guest's tap —: that removal holds the kernel's rtnl lock for ~30–40 ms here, and the next
     * call, the baseline's as much as the binding's, would otherwise run beside it. Each call is measured
     * on a quiet node.
     */
    private void awaitUnwired(Path pod, String... links) {
        if (overlapUnwiring) {
            return;
        }
        try (KernelNetworkOps ops = KernelNetworkOps.open(pod)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (java.util.Arrays.stream(links).anyMatch(l -> ops.findLink(l).isPresent())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the binding's DEL left " + java.util.Arrays.toString(links) + " in the pod for 10 s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
    }

    /** One delegate call through libcni, timed; fails the benchmark when the call fails. */
    private record Delegate(NetnsThread node, Path multus, Map<String, String> env, String sandbox, Path pod) {
        double run(String command, Path conf, String ifName, String cniArgs) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(multus.toString(), command, conf.toString(), sandbox, pod.toString(), ifName,
                    "bench", "virt-launcher-bench-x", "0a1b2c3d"));
            if (cniArgs != null) {
                cmd.add(cniArgs);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = node.call(pb::start);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (exit != 0) {
                throw new IllegalStateException(command + " " + conf.getFileName() + " " + ifName + ": " + out);
            }
            return ms;
        }
    }

    private static Map<String, String> with(Map<String, String> env, String command) {
        Map<String, String> out = new java.util.HashMap<>(env);
        out.put("CNI_COMMAND", command);
        return out;
    }

    private static double time(NetnsThread where, ProcessBuilder pb, Map<String, String> env, String stdin) throws Exception {
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = where.call(pb::start);
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(pb.command() + " failed");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private Path buildMultusDelegate(Path work) throws Exception {
        return GoProgram.build(goSource, work, "multus-delegate");
    }
}
