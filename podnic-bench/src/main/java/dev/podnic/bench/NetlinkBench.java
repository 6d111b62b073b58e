package dev.podnic.bench;

import dev.podnic.inet.IpNet;
import dev.podnic.netlink.InvalidRequestException;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One cycle — create link, add address, set up, delete — through podnic-netlink in-process and
 * through iproute2 (one `ip` process per operation, as a shell script or an exec-based runtime
 * would), alternating one cycle each in the same namespace. A dummy link when the kernel has the
 * driver, else a bridge (the same four operations).
 */
@Command(name = "netlink", mixinStandardHelpOptions = true,
        description = "podnic-netlink vs `ip` per operation: create link, add address, set up, delete.")
final class NetlinkBench implements Callable<Integer> {
    private static final int WARMUP = 100;

    @Option(names = "--iterations", defaultValue = "1000", description = "Measured cycles per side (default ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws Exception {
        try (BenchNamespaces ns = new BenchNamespaces()) {
            Path node = ns.create("nl");
            String nsName = node.getFileName().toString();
            try (NetworkOps ops = KernelNetworkOps.open(node)) {
                String kind = dummyAvailable(ops) ? "dummy" : "bridge";
                String[] names = {"create " + kind, "add address", "set up", "delete"};
                List<List<Double>> ours = new ArrayList<>();
                List<List<Double>> ip = new ArrayList<>();
                for (int k = 0; k < 5; k++) {
                    ours.add(new ArrayList<>());
                    ip.add(new ArrayList<>());
                }
                IpNet address = IpNet.parse("10.123.0.1/24");
                List<Runnable> podnicOps = List.of(
                        () -> {
                            if (kind.equals("dummy")) {
                                ops.createDummy("pdnb0");
                            } else {
                                ops.createBridge("pdnb0");
                            }
                        },
                        () -> ops.addAddress("pdnb0", address, Scope.UNIVERSE),
                        () -> ops.setUp("pdnb0", true),
                        () -> ops.deleteLink("pdnb0"));
                List<String[]> ipOps = List.of(
                        new String[] {"link", "add", "pdnb1", "type", kind},
                        new String[] {"addr", "add", "10.123.1.1/24", "dev", "pdnb1"},
                        new String[] {"link", "set", "pdnb1", "up"},
                        new String[] {"link", "del", "pdnb1"});
                for (int i = -WARMUP; i < iterations; i++) {
                    double cycleOurs = 0;
                    double cycleIp = 0;
                    for (int k = 0; k < 4; k++) {
                        long t0 = System.nanoTime();
                        podnicOps.get(k).run();
                        double a = (System.nanoTime() - t0) / 1e3;
                        long t1 = System.nanoTime();
                        ipRun(nsName, ipOps.get(k));
                        double b = (System.nanoTime() - t1) / 1e3;
                        cycleOurs += a;
                        cycleIp += b;
                        if (i >= 0) {
                            ours.get(k).add(a);
                            ip.get(k).add(b);
                        }
                    }
                    if (i >= 0) {
                        ours.get(4).add(cycleOurs);
                        ip.get(4).add(cycleIp);
                    }
                    if (i >= 0 && (i + 1) % 200 == 0) {
                        System.err.printf("%d/%d cycles%n", i + 1, iterations);
                    }
                }
                System.out.printf("## netlink, the headline: the whole cycle — create %s, add address, set up, delete "
                        + "(µs, medians over %d cycles)%n%n", kind, iterations);
                System.out.println("| operation | podnic-netlink | ip (one process each) | ratio ip/podnic |");
                System.out.println("| --- | --- | --- | --- |");
                for (int k = 0; k < 5; k++) {
                    double o = Stats.of(ours.get(k)).median();
                    double t = Stats.of(ip.get(k)).median();
                    System.out.printf(k < 4 ? "| %s | %.1f | %.1f | %.1fx |%n" : "| **%s** | **%.1f** | **%.1f** | **%.1fx** |%n",
                            k < 4 ? names[k] : "whole cycle", o, t, t / o);
                }
                steadyState(ops, nsName, kind);
            }
        }
        return 0;
    }

    /**
     * The same kinds of operation on links that already exist, where the kernel's own work is small
     * and what remains is the cost of asking: one netlink round trip vs one `ip` process.
     */
    private void steadyState(NetworkOps ops, String nsName, String kind) {
        ops.createBridge("pdnb0");
        ipRun(nsName, new String[] {"link", "add", "pdnb1", "type", "bridge"});
        IpNet address = IpNet.parse("10.123.0.1/24");
        String[] names = {"set mtu", "add address", "delete address", "set up", "set down"};
        List<Runnable> podnicOps = List.of(
                () -> ops.setMtu("pdnb0", 1400),
                () -> ops.addAddress("pdnb0", address, Scope.UNIVERSE),
                () -> ops.deleteAddress("pdnb0", address),
                () -> ops.setUp("pdnb0", true),
                () -> ops.setUp("pdnb0", false));
        List<String[]> ipOps = List.of(
                new String[] {"link", "set", "pdnb1", "mtu", "1400"},
                new String[] {"addr", "add", "10.123.1.1/24", "dev", "pdnb1"},
                new String[] {"addr", "del", "10.123.1.1/24", "dev", "pdnb1"},
                new String[] {"link", "set", "pdnb1", "up"},
                new String[] {"link", "set", "pdnb1", "down"});
        List<Double> ours = new ArrayList<>();
        List<Double> ip = new ArrayList<>();
        List<List<Double>> oursBy = new ArrayList<>();
        List<List<Double>> ipBy = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            oursBy.add(new ArrayList<>());
            ipBy.add(new ArrayList<>());
        }
        for (int i = -WARMUP; i < iterations; i++) {
            for (int k = 0; k < names.length; k++) {
                long t0 = System.nanoTime();
                podnicOps.get(k).run();
                double a = (System.nanoTime() - t0) / 1e3;
                long t1 = System.nanoTime();
                ipRun(nsName, ipOps.get(k));
                double b = (System.nanoTime() - t1) / 1e3;
                if (i >= 0) {
                    oursBy.get(k).add(a);
                    ipBy.get(k).add(b);
                    ours.add(a);
                    ip.add(b);
                }
            }
        }
        ops.deleteLink("pdnb0");
        ipRun(nsName, new String[] {"link", "del", "pdnb1"});
        System.out.printf("%n## netlink, per operation (not the cycle): on an existing %s, where the kernel's own work is "
                + "small (µs, medians over %d rounds)%n%n", "bridge", iterations);
        System.out.println("| operation | podnic-netlink | ip (one process each) | ratio ip/podnic |");
        System.out.println("| --- | --- | --- | --- |");
        for (int k = 0; k < names.length; k++) {
            double o = Stats.of(oursBy.get(k)).median();
            double t = Stats.of(ipBy.get(k)).median();
            System.out.printf("| %s | %.1f | %.1f | %.1fx |%n", names[k], o, t, t / o);
        }
        double o = Stats.of(ours).median();
        double t = Stats.of(ip).median();
        System.out.printf("| all five, per operation | %.1f | %.1f | %.1fx |%n", o, t, t / o);
    }

    private static boolean dummyAvailable(NetworkOps ops) {
        try {
            ops.createDummy("pdnprobe0");
            ops.deleteLink("pdnprobe0");
            return true;
        } catch (InvalidRequestException e) {
            System.err.println("no dummy driver in this kernel (" + e.getMessage() + "): measuring with a bridge");
            return false;
        }
    }

    private static void ipRun(String ns, String[] args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
