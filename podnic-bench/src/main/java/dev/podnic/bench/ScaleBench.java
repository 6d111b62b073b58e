package dev.podnic.bench;

import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.shim.CniShim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Many dual-stack vNICs on one node through the KubeVirt binding: the node daemon as a real process
 * (the image's entry point, the DaemonSet's 256Mi as its JVM's view), one pod per vNIC wired by
 * podnic-shim's ADD, one guest per vNIC (a namespace on the vNIC's bridge) leasing IPv4 (busybox
 * udhcpc) and IPv6 with its default route from the advertisements (dhcpcd, which handles both). What
 * a vNIC costs the daemon — threads, processes, memory — at 0 and at N vNICs; then the daemon is
 * killed with SIGKILL and started again: how long until it serves every recorded lease again, and
 * every guest's renewal (udhcpc's unicast REQUEST to the server it knows) is answered. Throughout, the
 * kernel's neighbour tables, which all namespaces share: a node whose pods fill them cannot send.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Many dual-stack vNICs through the binding on one node: the daemon's threads, processes and RSS; kill -9 and restart.")
final class ScaleBench implements Callable<Integer> {
    private static final Pattern RESUMED = Pattern.compile("dhcp-resumed=(\\d+)");

    @Option(names = "--vnics", defaultValue = "200", description = "vNICs, one pod each (default ${DEFAULT-VALUE}).")
    int vnics;
    @Option(names = "--parallel", defaultValue = "8", description = "Guests leasing at once (default ${DEFAULT-VALUE}).")
    int parallel;
    @Mixin
    DaemonProcess.Image image;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-scale")) {
            return run(scratch);
        }
    }

    private int run(WorkDirectory scratch) throws Exception {
        Path work = scratch.path();
        Path bindingState = DaemonProcess.Image.bindingState(scratch);
        Path netd = Files.createDirectories(work.resolve("net.d"));
        Files.writeString(netd.resolve("10-scalenet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"scalenet\",\"plugins\":[{\"type\":"
                + "\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.252.0.0/16\"}],[{\"subnet\":\"fd00:252::/64\"}]]}}]}");
        Path shim = CniShim.install(Files.createDirectories(work.resolve("bin")));
        Path binding = work.resolve("state/binding.sock");
        Path log = work.resolve("daemon.log");
        List<Guest> guests = new ArrayList<>();
        List<String> pods = new ArrayList<>();
        try (BenchNamespaces ns = new BenchNamespaces(); NeighbourTables neighbours = new NeighbourTables()) {
            Path node = ns.create("node");
            Process daemon = image.startBindingNode(scratch, netd, node, binding, log);
            try (NetnsThread multus = NetnsThread.enter(node)) {
                DaemonProcess.await(log, 0, "msg=\"serving\"", daemon);
                Footprint idle = Footprint.of(daemon.pid());
                System.out.printf("## %d dual-stack vNICs through the binding on one node%n%n", vnics);
                System.out.printf("daemon at 0 vNICs: %s%n", idle);
                List<Double> adds = new ArrayList<>();
                for (int i = 0; i < vnics; i++) {
                    Path pod = ns.create("p" + i);
                    pods.add(pod.toString());
                    long t0 = System.nanoTime();
                    String out = shim(multus, shim, "ADD", i, pod, binding);
                    adds.add((System.nanoTime() - t0) / 1e6);
                    if (!out.contains("\"ips\"")) {
                        throw new IllegalStateException("ADD " + i + ": " + out);
                    }
                    if ((i + 1) % 50 == 0) {
                        System.out.printf("  %d vNICs wired%n", i + 1);
                    }
                }
                Footprint wired = Footprint.of(daemon.pid());
                System.out.printf("binding ADD (podnic-shim exec'd directly) %s%n", Stats.of(adds));
                List<BindingBooking> booked = BindingBooking.read(log, "default");
                System.out.printf("  the daemon's booking, medians: %s%n", BindingBooking.medians(booked));
                System.out.printf("daemon at %d vNICs: %s%n", vnics, wired);

                ExecutorService pool = Executors.newFixedThreadPool(parallel);
                try {
                    List<Future<Guest>> leasing = new ArrayList<>();
                    for (int i = 0; i < vnics; i++) {
                        int n = i;
                        Path guestNs = ns.create("g" + i);
                        leasing.add(pool.submit(() -> lease(work, n, Path.of(pods.get(n)), guestNs)));
                    }
                    for (Future<Guest> f : leasing) {
                        guests.add(f.get(10, TimeUnit.MINUTES));
                    }
                    Footprint serving = Footprint.of(daemon.pid());
                    List<Guest> failed = guests.stream().filter(g -> g.problem() != null).toList();
                    System.out.printf("guests with their IPv4 lease (udhcpc), IPv6 lease and default route (dhcpcd): %d of %d%n",
                            vnics - failed.size(), vnics);
                    for (Guest g : failed.subList(0, Math.min(5, failed.size()))) {
                        Path lease = bindingState.resolve("scalesandbox" + g.n() + "-net1/dhcp/pdnbr-vmi1.lease.json");
                        System.out.printf("  guest %d: %s; its lease file: %s%n", g.n(), g.problem(),
                                Files.exists(lease) ? Files.readString(lease).replaceAll("\\s+", " ") : "(none)");
                    }
                    System.out.printf("daemon serving %d guests: %s%n", vnics, serving);

                    daemon.destroyForcibly(); // SIGKILL: no clean-up of any kind
                    daemon.waitFor(20, TimeUnit.SECONDS);
                    long offset = Files.size(log);
                    long started = System.nanoTime();
                    daemon = image.startBindingNode(scratch, netd, node, binding, log);
                    String resumedLine = DaemonProcess.await(log, offset, "dhcp-resumed=", daemon, Duration.ofMillis(5));
                    double resumedMs = (System.nanoTime() - started) / 1e6;
                    DaemonProcess.await(log, offset, "msg=\"serving\"", daemon, Duration.ofMillis(5));
                    double servingMs = (System.nanoTime() - started) / 1e6;
                    Matcher m = RESUMED.matcher(resumedLine);
                    int resumed = m.find() ? Integer.parseInt(m.group(1)) : -1;
                    System.out.printf("after kill -9, start -> %d of %d bridges served again %.0f ms; -> serving the sockets %.0f ms%n",
                            resumed, vnics, resumedMs, servingMs);
                    List<Future<String>> renewing = new ArrayList<>();
                    for (Guest g : guests) {
                        renewing.add(pool.submit(() -> {
                            try {
                                return g.ns().renew().isEmpty() ? "guest " + g.n() + ": an empty renewal" : null;
                            } catch (Exception | AssertionError e) {
                                Path served = bindingState.resolve("scalesandbox" + g.n() + "-net1/dhcp/pdnbr-vmi1.log");
                                List<String> lines = Files.exists(served) ? Files.readAllLines(served) : List.of();
                                return "guest " + g.n() + ": " + e.getMessage() + "; its server's log ends "
                                        + lines.subList(Math.max(0, lines.size() - 3), lines.size());
                            }
                        }));
                    }
                    List<String> unrenewed = new ArrayList<>();
                    for (Future<String> f : renewing) {
                        String problem = f.get(10, TimeUnit.MINUTES);
                        if (problem != null) {
                            unrenewed.add(problem);
                        }
                    }
                    int renewed = vnics - unrenewed.size();
                    System.out.printf("renewals answered by the restarted daemon: %d of %d%s%n", renewed, vnics,
                            unrenewed.isEmpty() ? "" : " " + unrenewed.subList(0, Math.min(5, unrenewed.size())));
                    System.out.printf("restarted daemon serving %d guests: %s%n", vnics, Footprint.of(daemon.pid()));
                    System.out.printf("sends that failed, in the servers' logs: %s%n", failedSends(bindingState));
                    List<Double> dels = new ArrayList<>();
                    for (int i = 0; i < vnics; i++) {
                        long t0 = System.nanoTime();
                        shim(multus, shim, "DEL", i, Path.of(pods.get(i)), binding);
                        dels.add((System.nanoTime() - t0) / 1e6);
                    }
                    System.out.printf("binding DEL (podnic-shim exec'd directly) %s%n", Stats.of(dels));
                    System.out.printf("daemon after every DEL: %s%n", Footprint.of(daemon.pid()));
                    System.out.printf("the kernel's neighbour tables (every namespace): %s%n", neighbours);
                    boolean ok = failed.isEmpty() && resumed == vnics && renewed == vnics;
                    return ok ? 0 : 1;
                } finally {
                    pool.shutdownNow();
                }
            } finally {
                guests.forEach(g -> g.ns().close());
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** A guest on vNIC {@code n}'s bridge, holding its IPv4 and IPv6 leases; what went wrong, if anything. */
    private record Guest(int n, GuestNamespace ns, String problem) {
    }

    private static Guest lease(Path work, int n, Path pod, Path guestNs) throws Exception {
        GuestNamespace g;
        try (NetworkOps podOps = KernelNetworkOps.open(pod)) {
            g = new GuestNamespace(guestNs, podOps, "pdnbr-vmi1", "pdng" + n,
                    MacAddress.parse(String.format("02:00:5e:%02x:%02x:01", n >> 8, n & 0xff)),
                    Files.createDirectories(work.resolve("guest" + n)));
        }
        try {
            if (g.lease().isEmpty()) {
                return new Guest(n, g, "no IPv4 lease");
            }
            String v6 = g.lease6(GuestNamespace.Dhcpv6Client.DHCPCD);
            if (!v6.contains("fd00:252:")) {
                return new Guest(n, g, "no IPv6 lease: " + v6);
            }
            if (!g.defaultRoute6().contains("via fe80::")) {
                return new Guest(n, g, "no IPv6 default route from the advertisements; dhcpcd said: " + v6.replace('\n', '|'));
            }
            return new Guest(n, g, null);
        } catch (Exception e) {
            return new Guest(n, g, e.toString());
        }
    }

    /** The servers' log lines about sends that failed (read before the DELs, which remove them with their attachments). */
    private static List<String> failedSends(Path attachments) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(attachments)) {
            return out;
        }
        try (var files = Files.walk(attachments)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.readAllLines(f).stream().filter(l -> l.contains("could not send")).forEach(l -> out.add(f.getParent().getParent()
                        .getFileName() + ": " + l));
            }
        }
        return out;
    }

    /** podnic-shim as Multus runs it for pod {@code n}'s binding network; its output. */
    private static String shim(NetnsThread multus, Path shim, String command, int n, Path pod, Path binding) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shim.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "scalesandbox" + n, "CNI_NETNS", pod.toString(),
                "CNI_IFNAME", "net1", "CNI_ARGS", "K8S_POD_NAMESPACE=bench;K8S_POD_NAME=virt-launcher-scale-" + n + ";K8S_POD_UID=0a1b" + n,
                "CNI_PATH", "/usr/lib/cni", "PODNIC_BINDING_SOCKET", binding.toString()));
        Process p = multus.call(pb::start);
        p.getOutputStream().write(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
                + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " " + n + ": " + out);
        }
        return out;
    }

    /** What the daemon holds: threads, child processes, resident memory (now and at its peak), descriptors. */
    private record Footprint(int threads, long children, long rssKb, long peakKb, long fds) {
        static Footprint of(long pid) throws Exception {
            List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            long fds;
            try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = list.count();
            }
            return new Footprint((int) field(status, "Threads:"), ProcessHandle.of(pid).map(h -> h.descendants().count()).orElse(0L),
                    field(status, "VmRSS:"), field(status, "VmHWM:"), fds);
        }

        private static long field(List<String> status, String name) {
            return status.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(name.length()).trim().split("\\s+")[0])
                    .mapToLong(Long::parseLong).findFirst().orElse(-1);
        }

        @Override
        public String toString() {
            return String.format("%d threads, %d child processes, RSS %.1f MB (peak %.1f MB), %d descriptors", threads, children,
                    rssKb / 1024.0, peakKb / 1024.0, fds);
        }
    }
}
