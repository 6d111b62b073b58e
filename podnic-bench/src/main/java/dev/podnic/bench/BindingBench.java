package dev.podnic.bench;

import dev.podnic.api.VmNames;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.apply.PodEngine;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.libvirt.LibvirtNetworkXml;
import dev.podnic.binding.libvirt.LibvirtPod;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Per vNIC: CNI ADD, podnic's own work (plan + netlink), DHCP backend start, and the guest's lease
 * (busybox udhcpc in a namespace on the vNIC's bridge, from start to bound), for both backends;
 * and the libvirt backend's total against CNI ADD + `virsh net-define` + `net-start` of the same
 * network XML, measured in the same run.
 */
@Command(name = "binding", mixinStandardHelpOptions = true,
        description = "Per-vNIC setup times for both DHCP backends, and libvirt vs CNI ADD + virsh net-define/start.")
final class BindingBench implements Callable<Integer> {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: benchvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:0b:01'}}]}}}")
            .getBytes(StandardCharsets.UTF_8), "bench");

    @Option(names = "--iterations", defaultValue = "30", description = "up/lease/down cycles per backend (default ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-binding")) {
            return run(scratch.path());
        }
    }

    private int run(Path work) throws Exception {
        Path resolv = Files.writeString(work.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        NetworkConfigList net = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.252.0.0/16\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}").getBytes(StandardCharsets.UTF_8), "bench");
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        List<Double> virshBaseline = new ArrayList<>();
        try (BenchNamespaces ns = new BenchNamespaces()) {
            Path node = ns.create("bnode");
            Path pod = ns.create("bpod");
            Path guestPath = ns.create("bguest");
            LibvirtPod libvirtd = new LibvirtPod(pod, work.resolve("libvirt"));
            try (NetnsThread nodeThread = NetnsThread.enter(node); ProcessPluginExec exec = new ProcessPluginExec(nodeThread);
                 NetnsThread guestThread = NetnsThread.enter(guestPath);
                 NetworkOps podOps = KernelNetworkOps.open(pod); NetworkOps guestOps = KernelNetworkOps.open(guestPath)) {
                CniRuntime cni = new CniRuntime(List.of(Path.of("/usr/lib/cni")), work.resolve("cache"), Duration.ofSeconds(30), exec);
                podOps.createVeth("pdng0", "eth0", guestPath);
                podOps.setUp("pdng0", true);
                guestOps.setMac("eth0", VMI.nics().get(0).mac());
                guestOps.setUp("eth0", true);
                Path script = Files.writeString(work.resolve("udhcpc.sh"), "#!/bin/sh\nexit 0\n");
                script.toFile().setExecutable(true);
                libvirtd.start();
                // As `podnic vmi up --dhcp dnsmasq|libvirt` composes the engine.
                Map<String, PodEngine.Profile> profiles = new LinkedHashMap<>();
                profiles.put("dnsmasq", new PodEngine.LauncherDnsmasq(work.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"), libvirtd.uri()));
                profiles.put("libvirt", new PodEngine.LauncherLibvirt(libvirtd.uri(), VmNames.of(VMI), work.resolve("dhcp")));
                for (Map.Entry<String, PodEngine.Profile> profile : profiles.entrySet()) {
                    try (PodEngine opened = PodEngine.open(pod)) {
                        BindingEngine binding = opened.engine(profile.getValue(), new InProcessAttacher(cni, net, pod),
                                new RecordStore(work.resolve("records")), resolv);
                        boolean libvirt = profile.getKey().equals("libvirt");
                        List<double[]> rows = new ArrayList<>();
                        for (int i = -3; i < iterations; i++) { // 3 warm-up cycles
                            BoundVNic b = binding.up(VMI).get(0);
                            podOps.setMaster("pdng0", b.plan().bridge());
                            long t0 = System.nanoTime();
                            Process p = guestThread.call(new ProcessBuilder("busybox", "udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1",
                                    "-i", "eth0", "-s", script.toString()).redirectErrorStream(true)
                                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)::start);
                            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                                throw new IllegalStateException("no lease with " + profile.getKey());
                            }
                            double lease = (System.nanoTime() - t0) / 1e6;
                            binding.down("default", "benchvm", java.util.Optional.empty());
                            if (i >= 0) {
                                rows.add(new double[] {b.cniMillis(), b.podnicMillis(), b.dhcpMillis(), lease});
                            }
                            if (libvirt && i >= 0) {
                                virshBaseline.add(b.cniMillis() + virshDefineStart(libvirtd.uri(), b, work));
                            }
                        }
                        results.put(profile.getKey(), rows);
                        System.err.printf("%s: %d cycles done%n", profile.getKey(), iterations);
                    }
                }
            } finally {
                libvirtd.stop();
            }
        }
        report(results, virshBaseline);
        return 0;
    }

    /** `virsh net-define` + `net-start` of the same XML under another name and bridge; ms. Removed afterwards. */
    private static double virshDefineStart(String uri, BoundVNic b, Path work) throws Exception {
        String xml = LibvirtNetworkXml.render(b.plan(), "pdnbench-virsh").replace(b.plan().bridge(), "pdnbench-vbr");
        Path f = Files.writeString(work.resolve("virsh-net.xml"), xml);
        long t0 = System.nanoTime();
        BenchNamespaces.run(List.of("virsh", "-q", "-c", uri, "net-define", f.toString()));
        BenchNamespaces.run(List.of("virsh", "-q", "-c", uri, "net-start", "pdnbench-virsh"));
        double ms = (System.nanoTime() - t0) / 1e6;
        BenchNamespaces.run(List.of("virsh", "-q", "-c", uri, "net-destroy", "pdnbench-virsh"));
        BenchNamespaces.run(List.of("virsh", "-q", "-c", uri, "net-undefine", "pdnbench-virsh"));
        return ms;
    }

    private static void report(Map<String, List<double[]>> results, List<Double> virshBaseline) {
        System.out.println("## per-vNIC setup (ms, medians)");
        System.out.println();
        System.out.println("| backend | CNI ADD | podnic's own work | DHCP backend start | guest lease | total to lease | n |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        double libvirtTotal = 0;
        for (var e : results.entrySet()) {
            double[] m = new double[5];
            for (int k = 0; k < 4; k++) {
                final int col = k;
                m[k] = Stats.of(e.getValue().stream().map(r -> r[col]).toList()).median();
            }
            m[4] = Stats.of(e.getValue().stream().map(r -> r[0] + r[1] + r[2] + r[3]).toList()).median();
            System.out.printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n", e.getKey(), m[0], m[1], m[2], m[3], m[4], e.getValue().size());
            if (e.getKey().equals("libvirt")) {
                libvirtTotal = Stats.of(e.getValue().stream().map(r -> r[0] + r[1] + r[2]).toList()).median();
            }
        }
        double base = Stats.of(virshBaseline).median();
        System.out.printf("%nlibvirt backend setup (CNI ADD + podnic + network start): %.1f ms; CNI ADD + virsh net-define + "
                + "net-start of the same XML: %.1f ms; ratio %.2f%n", libvirtTotal, base, libvirtTotal / base);
    }
}
