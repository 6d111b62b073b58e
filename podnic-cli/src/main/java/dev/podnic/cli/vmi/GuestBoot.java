package dev.podnic.cli.vmi;

import dev.podnic.api.VmNames;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.cli.UserError;
import dev.podnic.guest.ConsoleReport;
import dev.podnic.guest.GuestDomain;
import dev.podnic.guest.GuestImage;
import dev.podnic.guest.GuestImageBuilder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** `vmi up --boot`: starts the test guest on the wired vNICs and prints what it reports. */
final class GuestBoot {
    private final PrintWriter err;
    private final PrintWriter out;

    GuestBoot(PrintWriter err, PrintWriter out) {
        this.err = err;
        this.out = out;
    }

    void boot(VmiSpec vmi, List<BoundVNic> bound, BindingEngine engine, VmiOptions options, Path podNetns, Path cache, List<String> pings,
              int linger, int waitSeconds) throws Exception {
        GuestImage image;
        try {
            image = new GuestImageBuilder(cache).build(m -> {
                err.println("podnic: " + m);
                err.flush();
            });
        } catch (java.io.IOException e) {
            throw new UserError("cannot build the guest image here (" + e.getMessage().lines().reduce((a, b) -> b).orElse("")
                    + "); build it once from the host's namespace: podnic guest build");
        }
        String name = VmNames.of(vmi).domain();
        Path console = Files.createDirectories(options.stateDir.resolve("console")).resolve(vmi.namespace() + "_" + vmi.name() + ".log");
        Files.deleteIfExists(console);
        String uri = options.libvirtUri(podNetns);
        if (!Files.exists(Path.of(uri.substring(uri.indexOf("socket=") + 7)))) {
            throw new UserError("--boot needs the pod's libvirtd: podnic pod libvirtd start --netns " + podNetns);
        }
        boolean ipv6 = bound.stream().anyMatch(b -> b.plan().guest().ipv6() != null);
        String xml = GuestDomain.xml(name, image, bound.stream().map(BoundVNic::domainInterface).toList(), pings, linger, console,
                GuestDomain.kvmUsable(), ipv6);
        engine.recordDomain(vmi.namespace(), vmi.name(), name);
        long t0 = System.nanoTime();
        GuestDomain vm = GuestDomain.boot(uri, xml, console);
        err.printf("podnic: domain %s started (console: %s)%n", name, console);
        err.flush();
        if (waitSeconds <= 0) {
            vm.release();
            return;
        }
        ConsoleReport report = vm.await(Duration.ofSeconds(waitSeconds));
        vm.release();
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf("%nguest %s: %s after %.1f s%n", name, report.done() ? "reported" : "did not report in time", seconds);
        out.printf("  %-8s %-17s %-6s %-18s %-18s %-12s %-5s %s%n", "vNIC", "MAC", "VMI-if", "CNI address", "guest got",
                "gateway", "MTU", "lease");
        for (BoundVNic b : bound) {
            GuestConfig g = b.plan().guest();
            Map<String, String> lease = report.leasesByMac().getOrDefault(b.plan().vnic().mac().toString(), Map.of());
            String got = lease.isEmpty() ? "(none)" : lease.get("ip") + "/" + lease.get("mask");
            String ifName = lease.getOrDefault("if", "?");
            Double t = report.leaseSecondsByIf().get(ifName);
            out.printf("  %-8s %-17s %-6s %-18s %-18s %-12s %-5s %s%n", b.plan().vnic().name(), b.plan().vnic().mac(),
                    b.plan().vmiInterface(), g.address() == null ? "-" : g.address(), got, lease.getOrDefault("router", "-"),
                    lease.getOrDefault("mtu", "-"), t == null ? "-" : String.format("%.0f ms", t * 1000));
            if (g.ipv6() != null) {
                Map<String, String> v6 = report.ipv6ByMac().getOrDefault(b.plan().vnic().mac().toString(), Map.of());
                Double t6 = report.ipv6SecondsByIf().get(v6.getOrDefault("if", "?"));
                out.printf("  %-8s %-17s %-6s %-18s %-18s %-12s %-5s %s%n", "", "IPv6", "", g.ipv6().address(),
                        v6.getOrDefault("ip6", "(none)"), v6.getOrDefault("router6", "-"), "", t6 == null ? "-"
                                : String.format("%.0f ms", t6 * 1000));
            }
        }
        report.pings().forEach((ip, ok) -> out.printf("  guest ping %-15s %s%n", ip, ok ? "ok" : "FAILED"));
        out.flush();
    }
}
