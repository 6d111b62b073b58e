package dev.podnic.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.guest.FollowLine;
import dev.podnic.guest.GuestImage;
import dev.podnic.guest.GuestImageBuilder;
import dev.podnic.guest.QemuGuest;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.shim.CniShim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A live migration with KubeVirt's link refresh, timed from the guest's link coming up on the target
 * to the guest holding exactly the target pod's IPv4 and IPv6 addresses and reaching a pod (its dhcpcd:
 * INIT-REBOOT answered NAK, CONFIRM answered NotOnLink, then new leases; the guest reports every 0.2 s).
 * Baseline in the same round: the same link refresh again on the target, where the guest keeps its
 * lease (ACK, CONFIRM Success) — what any link refresh costs. Real parts: the node daemon as a process,
 * podnic-shim for both launcher pods, two QEMU processes (TCG) and QMP.
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = "Live migration: link up on the target -> guest on the target pod's addresses, vs a plain link refresh, same run.")
final class MigrationBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC = "02:00:00:00:17:01";

    @Option(names = "--iterations", defaultValue = "5", description = "Measured migrations (default ${DEFAULT-VALUE}).")
    int iterations;
    @Mixin
    DaemonProcess.Image image;

    @Override
    public Integer call() throws Exception {
        GuestImage guestImage = new GuestImageBuilder(Path.of("/var/cache/podnic/guest")).build(System.err::println);
        try (WorkDirectory scratch = WorkDirectory.create("podnic-bench-migration"); BenchNamespaces ns = new BenchNamespaces()) {
            Path work = scratch.path();
            Path netd = Files.createDirectories(work.resolve("net.d"));
            Files.writeString(netd.resolve("10-benchnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"benchnet\",\"plugins\":["
                    + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\","
                    + "\"dataDir\":\"" + work.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.254.0.0/16\"}],[{\"subnet\":\"fd00:254::/64\"}]],"
                    + "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]}},{\"type\":\"tuning\",\"mtu\":1400}]}");
            Path shim = CniShim.install(Files.createDirectories(work.resolve("bin")));
            Path binding = work.resolve("state/binding.sock");
            Path log = work.resolve("daemon.log");
            Path node = ns.create("mnode");
            Process daemon = image.startBindingNode(scratch, netd, node, binding, log);
            List<Double> moved = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            List<Double> migrate = new ArrayList<>();
            try (NetnsThread multus = NetnsThread.enter(node)) {
                DaemonProcess.await(log, 0, "msg=\"serving\"", daemon);
                for (int i = 0; i < iterations; i++) {
                    double[] r = round(i, work, ns, multus, shim, binding, guestImage);
                    migrate.add(r[0]);
                    moved.add(r[1]);
                    plain.add(r[2]);
                    System.err.printf("migration %d/%d: migrate %.0f ms, link up -> target's addresses %.0f ms, plain refresh %.0f ms%n",
                            i + 1, iterations, r[0], r[1], r[2]);
                }
            } finally {
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
            }
            Stats m = Stats.of(moved);
            Stats p = Stats.of(plain);
            System.out.println("## Live migration with link refresh (ms; " + iterations + " migrations)");
            System.out.println();
            System.out.printf("QEMU migrate (256 MiB guest, TCG, Unix socket) %s%n", Stats.of(migrate));
            System.out.printf("link up on the target -> guest on the target pod's IPv4 + IPv6, reaching a pod %s%n", m);
            System.out.printf("the same link refresh when the lease stays (baseline) %s%n", p);
            System.out.printf("migration refresh / plain refresh, medians: %.2f×%n", m.median() / p.median());
            return 0;
        }
    }

    /** One migration between two fresh launcher pods; {migrate ms, link up -> moved ms, plain refresh ms}. */
    private double[] round(int i, Path work, BenchNamespaces ns, NetnsThread multus, Path shim, Path binding, GuestImage guestImage)
            throws Exception {
        Path source = ns.create("msrc" + i);
        Path target = ns.create("mtgt" + i);
        String sourceId = "benchsrc" + i + "x" + ProcessHandle.current().pid();
        String targetId = "benchtgt" + i + "x" + ProcessHandle.current().pid();
        List<QemuGuest> guests = new ArrayList<>();
        try {
            JsonNode a = shim(multus, shim, binding, "ADD", sourceId, source);
            JsonNode b = shim(multus, shim, binding, "ADD", targetId, target);
            String sourceIp = a.path("ips").get(0).path("address").asText();
            String targetIp = b.path("ips").get(0).path("address").asText();
            String targetIp6 = b.path("ips").get(1).path("address").asText();
            String gateway = a.path("ips").get(0).path("gateway").asText();
            List<String> pings = List.of(gateway);
            List<QemuGuest.Nic> nics = List.of(new QemuGuest.Nic(VmNames.tap("default"), MAC));
            Path sq = work.resolve("src" + i + ".qmp");
            QemuGuest src;
            try (NetnsThread t = NetnsThread.enter(source)) {
                ProcessBuilder pb = new ProcessBuilder(QemuGuest.commandLine(guestImage, nics, pings, true, work.resolve("src" + i + ".log"),
                        sq, Optional.empty())).redirectErrorStream(true);
                src = QemuGuest.attach(t.call(pb::start), sq, work.resolve("src" + i + ".log"), Duration.ofSeconds(60));
            }
            guests.add(src);
            src.awaitReport(0, l -> l.pingsOk() && l.ipv4().equals(List.of(sourceIp)) && !l.ipv6().isEmpty(), Duration.ofMinutes(2));
            Path incoming = work.resolve("mig" + i + ".sock");
            Path tq = work.resolve("tgt" + i + ".qmp");
            QemuGuest tgt;
            try (NetnsThread t = NetnsThread.enter(target)) {
                ProcessBuilder pb = new ProcessBuilder(QemuGuest.commandLine(guestImage, nics, pings, true, work.resolve("tgt" + i + ".log"),
                        tq, Optional.of(incoming))).redirectErrorStream(true);
                tgt = QemuGuest.attach(t.call(pb::start), tq, work.resolve("tgt" + i + ".log"), Duration.ofSeconds(60));
            }
            guests.add(tgt);
            long m0 = System.nanoTime();
            src.migrateTo(incoming, Duration.ofMinutes(5));
            double migrateMs = (System.nanoTime() - m0) / 1e6;
            String v6 = targetIp6.substring(0, targetIp6.indexOf('/')) + "/128";
            Predicate<FollowLine> onTarget = l -> l.pingsOk() && l.ipv4().equals(List.of(targetIp)) && l.ipv6().equals(List.of(v6));
            double movedMs = refresh(tgt, onTarget, false);
            double plainMs = refresh(tgt, onTarget, true);
            return new double[] {migrateMs, movedMs, plainMs};
        } finally {
            for (QemuGuest g : guests) {
                g.close();
            }
            shim(multus, shim, binding, "DEL", sourceId, source);
            shim(multus, shim, binding, "DEL", targetId, target);
            ns.delete(source);
            ns.delete(target);
        }
    }

    /**
     * virt-handler's link refresh; ms from link up to the guest's first report after it that satisfies
     * {@code wanted}. With {@code wantedBefore} the guest held that state already: its report of losing it
     * (dhcpcd drops its addresses with the carrier, for a second at least) comes first.
     */
    private static double refresh(QemuGuest guest, Predicate<FollowLine> wanted, boolean wantedBefore) throws Exception {
        int seen = FollowLine.parseAll(guest.console()).size();
        guest.setLink(0, false);
        Thread.sleep(100); // virt-handler's pause between down and up
        guest.setLink(0, true);
        long up = System.nanoTime();
        if (wantedBefore) {
            seen = guest.awaitReport(seen, wanted.negate(), Duration.ofMinutes(2));
        }
        guest.awaitReport(seen, wanted, Duration.ofMinutes(2));
        return (System.nanoTime() - up) / 1e6;
    }

    private static JsonNode shim(NetnsThread multus, Path shim, Path binding, String command, String sandbox, Path pod) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shim.toString()).redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", sandbox, "CNI_NETNS", pod.toString(),
                "CNI_IFNAME", "net1", "CNI_ARGS", "IgnoreUnknown=true;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=virt-launcher-" + sandbox
                        + ";K8S_POD_UID=0a1b2c3d", "PODNIC_BINDING_SOCKET", binding.toString()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = multus.call(pb::start);
        p.getOutputStream().write(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
                + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("podnic-shim " + command + " " + sandbox + ": " + out);
        }
        return out.isBlank() ? JSON.createObjectNode() : JSON.readTree(out);
    }
}
