package dev.podnic.bench;

import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.apply.PodEngine;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * From the guest's link coming up to a usable configuration, per client, on a dual-stack bridge
 * network served by podnic's dnsmasq backend and podnic-ra: IPv4 (busybox udhcpc, to bound), and
 * IPv6 to a usable address (past duplicate address detection) and a default route through the
 * gateway — ISC dhclient -6 beside the kernel's own router advertisement handling (started, as
 * Debian's ifupdown starts it, once the link-local address is usable), and dhcpcd (started at once;
 * it handles both). Also when the kernel's default route arrives (the advertisement's share).
 */
@Command(name = "ipv6", mixinStandardHelpOptions = true,
        description = "Guest link up to usable IPv4 lease / IPv6 address + default route, per DHCP client, same run.")
final class Ipv6Bench implements Callable<Integer> {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: benchvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:0b:06'}}]}}}")
            .getBytes(StandardCharsets.UTF_8), "bench");

    @Option(names = "--iterations", defaultValue = "10", description = "cycles (each: up, the three clients, down) (default ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws Exception {
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-ipv6")) {
            return run(scratch.path());
        }
    }

    private int run(Path work) throws Exception {
        Path resolv = Files.writeString(work.resolve("resolv.conf"), "nameserver 192.0.2.53\nnameserver fd00:53::53\n");
        NetworkConfigList net = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"bench6\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.252.0.0/16\"}],"
                + "[{\"subnet\":\"fd00:252::/64\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]}}]}")
                .getBytes(StandardCharsets.UTF_8), "bench");
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (String k : List.of("udhcpc: IPv4 lease", "the guest's link-local address usable (its DAD)", "dhclient -6: address", "kernel: default route (RA)",
                "dhclient -6 + kernel: both", "dhcpcd: address and default route")) {
            results.put(k, new ArrayList<>());
        }
        try (BenchNamespaces ns = new BenchNamespaces()) {
            Path node = ns.create("bnode");
            Path pod = ns.create("bpod");
            Path guestPath = ns.create("bguest");
            String guestNs = guestPath.getFileName().toString();
            try (NetnsThread nodeThread = NetnsThread.enter(node); ProcessPluginExec exec = new ProcessPluginExec(nodeThread);
                 NetnsThread guest = NetnsThread.enter(guestPath);
                 NetworkOps podOps = KernelNetworkOps.open(pod); NetworkOps guestOps = KernelNetworkOps.open(guestPath);
                 PodEngine opened = PodEngine.open(pod)) {
                CniRuntime cni = new CniRuntime(List.of(Path.of("/usr/lib/cni")), work.resolve("cache"), Duration.ofSeconds(30), exec);
                podOps.createVeth("pdng0", "eth0", guestPath);
                podOps.setUp("pdng0", true);
                guestOps.setMac("eth0", VMI.nics().get(0).mac());
                BindingEngine binding = opened.engine(new PodEngine.LauncherDnsmasq(work.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"), null),
                        new InProcessAttacher(cni, net, pod), new RecordStore(work.resolve("records")), resolv);
                Path udhcpcScript = Files.writeString(work.resolve("udhcpc.sh"), "#!/bin/sh\nexit 0\n");
                udhcpcScript.toFile().setExecutable(true);
                Path dhclientScript = Files.writeString(work.resolve("dhclient6.sh"), "#!/bin/sh\ncase \"$reason\" in BOUND6|REBOOT6|RENEW6|REBIND6) "
                        + "ip -6 addr replace \"$new_ip6_address/$new_ip6_prefixlen\" dev \"$interface\";; esac\nexit 0\n");
                dhclientScript.toFile().setExecutable(true);
                Path dhcpcdHook = Files.writeString(work.resolve("dhcpcd-hook.sh"), "#!/bin/sh\nexit 0\n");
                dhcpcdHook.toFile().setExecutable(true);
                for (int i = -1; i < iterations; i++) { // one warm-up cycle
                    try {
                        BoundVNic b = binding.up(VMI).get(0);
                        podOps.setMaster("pdng0", b.plan().bridge());
                        bootDelay();
                        IpNet address6 = b.plan().guest().ipv6().address();
                        String router = b.plan().guest().ipv6().router().getHostAddress(); // (as InetAddress prints it, like the routes)
                        Map<String, Double> cycle = new LinkedHashMap<>();

                        long t0 = linkUp(guestOps);
                        Process udhcpc = guest.call(new ProcessBuilder("busybox", "udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1",
                                "-i", "eth0", "-s", udhcpcScript.toString()).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)::start);
                        if (!udhcpc.waitFor(30, TimeUnit.SECONDS) || udhcpc.exitValue() != 0) {
                            throw new IllegalStateException("no IPv4 lease");
                        }
                        cycle.put("udhcpc: IPv4 lease", ms(t0));

                        t0 = linkUp(guestOps);
                        await("the guest's link-local address", () -> usable(guestNs, null));
                        cycle.put("the guest's link-local address usable (its DAD)", ms(t0));
                        Files.deleteIfExists(work.resolve("dhclient6.leases")); // a first boot: no earlier lease to confirm
                        Process dhclient = guest.call(new ProcessBuilder("dhclient", "-6", "-1", "-d", "-sf", dhclientScript.toString(),
                                "-lf", work.resolve("dhclient6.leases").toString(), "-pf", work.resolve("dhclient6.pid").toString(), "eth0")
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)::start);
                        double route = -1;
                        double address = -1;
                        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                        while (route < 0 || address < 0) {
                            if (route < 0 && defaultVia(guestOps, router)) {
                                route = ms(t0);
                            }
                            if (address < 0 && usable(guestNs, address6)) {
                                address = ms(t0);
                            }
                            if (System.nanoTime() - deadline > 0) {
                                throw new IllegalStateException("dhclient -6 / the kernel did not configure IPv6 in 30 s (address after "
                                        + address + " ms, route after " + route + " ms; -1: not yet)");
                            }
                            LockSupport.parkNanos(200_000);
                        }
                        dhclient.destroy();
                        dhclient.waitFor(10, TimeUnit.SECONDS);
                        cycle.put("dhclient -6: address", address);
                        cycle.put("kernel: default route (RA)", route);
                        cycle.put("dhclient -6 + kernel: both", Math.max(address, route));

                        // dhcpcd is another client (another DUID): a fresh wiring, as for a new VM.
                        binding.down("default", "benchvm", Optional.empty());
                        b = binding.up(VMI).get(0);
                        podOps.setMaster("pdng0", b.plan().bridge());
                        bootDelay();
                        IpNet dhcpcdAddress = b.plan().guest().ipv6().address();
                        t0 = linkUp(guestOps);
                        guestOps.setSysctl("net/ipv6/conf/eth0/accept_ra", "0"); // dhcpcd takes the advertisements itself
                        Process dhcpcd = guest.call(new ProcessBuilder("unshare", "--mount", "sh", "-ec", "mkdir -p /run/dhcpcd /var/lib/dhcpcd; "
                                + "mount -t tmpfs pdnbench /run/dhcpcd; mount -t tmpfs pdnbench /var/lib/dhcpcd; "
                                + "exec dhcpcd --ipv6only --oneshot --nobackground --config /dev/null --script \"$0\" eth0", dhcpcdHook.toString())
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)::start);
                        await("dhcpcd's address and route", () -> usable(guestNs, dhcpcdAddress) && defaultVia(guestOps, router));
                        cycle.put("dhcpcd: address and default route", ms(t0));
                        dhcpcd.waitFor(30, TimeUnit.SECONDS);
                        guestOps.setSysctl("net/ipv6/conf/eth0/accept_ra", "1");
                        guestOps.setSysctl("net/ipv6/conf/eth0/addr_gen_mode", "0"); // dhcpcd makes the link-local address itself

                        if (i >= 0) {
                            cycle.forEach((k, v) -> results.get(k).add(v));
                            System.err.printf("cycle %d: %s%n", i + 1, cycle);
                        }
                    } finally {
                        binding.down("default", "benchvm", Optional.empty()); // also after a failed cycle: nothing stays
                    }
                }
            }
        }
        System.out.println("## guest link up to a usable configuration (ms), dual-stack bridge network, dnsmasq backend + podnic-ra");
        System.out.println();
        System.out.println("| client | median | p10 | p90 | n |");
        System.out.println("| --- | --- | --- | --- | --- |");
        results.forEach((k, v) -> {
            Stats s = Stats.of(v);
            System.out.printf("| %s | %.0f | %.0f | %.0f | %d |%n", k, s.median(), s.p10(), s.p90(), s.n());
        });
        return 0;
    }

    /**
     * A VM's link comes up seconds after its vNIC is wired (domain start, boot): by then podnic-ra's
     * first advertisements are over, and the guest's solicitation is what gets it one. Modelled, not
     * awaited: nothing signals "a VM would be booting now".
     */
    private static void bootDelay() throws InterruptedException {
        Thread.sleep(3500);
    }

    /** Takes eth0 down (forgetting everything on it) and up again; the moment it came up. */
    private static long linkUp(NetworkOps guest) {
        guest.setUp("eth0", false);
        guest.setUp("eth0", true);
        return System.nanoTime();
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * {@code address} (or, when null, a link-local address) on eth0, past duplicate address detection
     * (iproute2's "-tentative" filter: the kernel's flag, which podnic's netlink does not decode).
     */
    private static boolean usable(String guestNs, IpNet address) {
        try {
            String shown = BenchNamespaces.run(List.of("ip", "-n", guestNs, "-6", "-o", "addr", "show", "dev", "eth0", "scope",
                    address == null ? "link" : "global", "-tentative"));
            return address == null ? shown.contains("inet6") : shown.contains(" " + IpLiteral.format(address.address()) + "/");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean defaultVia(NetworkOps guest, String router) {
        return guest.routes(Family.V6, Route.MAIN_TABLE).stream().anyMatch(r -> r.destination().prefixLength() == 0
                && r.gateway() != null && r.gateway().getHostAddress().equals(router));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + ": not there within 30 s");
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
