package dev.podnic.binding.testing;

import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for a VM's NIC: a namespace whose eth0 (with the vNIC's MAC) is a veth into the
 * vNIC's bridge, and busybox udhcpc configuring it from DHCP, as a guest's DHCP client would; for
 * IPv6 ISC dhclient (beside the kernel's own router advertisement handling) or dhcpcd (which
 * handles advertisements itself).
 */
public final class GuestNamespace implements AutoCloseable {
    private static final String SCRIPT = """
            #!/bin/sh
            case "$1" in bound|renew) ;; *) exit 0 ;; esac
            env | grep -E '^(ip|mask|router|staticroutes|mtu|dns|search|domain|hostname|lease|serverid)=' | sort > "$OUT.tmp"
            ip addr add "$ip/$mask" dev "$interface"
            [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
            set -- $staticroutes
            while [ $# -ge 2 ]; do
              if [ "$2" = 0.0.0.0 ]; then ip route add "$1" dev "$interface"; else ip route add "$1" via "$2" dev "$interface"; fi
              shift 2
            done
            mv "$OUT.tmp" "$OUT"
            """;

    private static final String DHCPV6_SCRIPT = """
            #!/bin/sh
            case "$reason" in BOUND6|REBOOT6|RENEW6|REBIND6) ;; *) exit 0 ;; esac
            env | grep -E '^new_' | sort > "@OUT@.tmp"
            ip -6 addr replace "$new_ip6_address/$new_ip6_prefixlen" dev "$interface"
            mv "@OUT@.tmp" "@OUT@"
            """;

    /** An IPv6 client of a guest. */
    public enum Dhcpv6Client {
        /** ISC dhclient -6: the address by DHCPv6 (a /128); the kernel takes the router from advertisements. */
        DHCLIENT,
        /** dhcpcd: router advertisements and DHCPv6 both, in user space, installing address and routes itself. */
        DHCPCD
    }

    private final Path path;
    private final NetnsThread thread;
    private final Path dir;
    private final List<Path> daemonPidFiles = new java.util.ArrayList<>();

    public GuestNamespace(Path path, NetworkOps pod, String bridge, String podSideName, MacAddress mac, Path dir) {
        this.path = path;
        this.dir = dir;
        pod.createVeth(podSideName, "eth0", path);
        pod.setMaster(podSideName, bridge);
        pod.setUp(podSideName, true);
        try (NetworkOps guest = KernelNetworkOps.open(path)) {
            guest.setMac("eth0", mac);
            guest.setUp("eth0", true);
            guest.setUp("lo", true);
        }
        this.thread = NetnsThread.enter(path);
    }

    /** Runs udhcpc until it holds a lease; returns what it was given (udhcpc's variables). */
    public Map<String, String> lease() throws Exception {
        Path out = dir.resolve("lease.env");
        ProcessBuilder pb = udhcpc(out, "-q", "-n", "-t", "5", "-T", "1");
        ChildProcess.Result udhcpc = ChildProcess.await(thread.call(pb::start), Duration.ofSeconds(30), "udhcpc");
        if (!udhcpc.ok() || !Files.exists(out)) {
            throw new IllegalStateException("udhcpc got no lease: " + udhcpc.output());
        }
        return variables(out);
    }

    /**
     * Runs a udhcpc that stays, until it holds a lease; then has it renew (a REQUEST unicast to the
     * server that gave the lease, answered to the guest's address) and returns what the renewal gave.
     */
    public Map<String, String> renew() throws Exception {
        Path out = dir.resolve("renewal.env");
        Files.deleteIfExists(out);
        Process udhcpc = thread.call(udhcpc(out, "-t", "5", "-T", "1")::start);
        try {
            await("udhcpc holds a lease", () -> Files.exists(out) || !udhcpc.isAlive());
            Files.deleteIfExists(out);
            ChildProcess.Result signal = ChildProcess.await(new ProcessBuilder("kill", "-USR1", Long.toString(udhcpc.pid()))
                    .redirectErrorStream(true).start(), Duration.ofSeconds(10), "kill -USR1");
            if (!signal.ok()) {
                throw new IllegalStateException("cannot signal udhcpc: " + signal.output());
            }
            await("udhcpc renewed its lease", () -> Files.exists(out) || !udhcpc.isAlive());
            if (!Files.exists(out)) {
                throw new IllegalStateException("udhcpc ended without a renewal: " + new String(udhcpc.getInputStream().readAllBytes()));
            }
            return variables(out);
        } finally {
            udhcpc.destroy();
            udhcpc.waitFor();
        }
    }

    private ProcessBuilder udhcpc(Path out, String... mode) throws Exception {
        Path script = dir.resolve("udhcpc.sh");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new java.util.ArrayList<>(List.of("busybox", "udhcpc", "-f"));
        cmd.addAll(List.of(mode));
        cmd.addAll(List.of("-i", "eth0", "-s", script.toString(), "-O", "staticroutes", "-O", "mtu", "-O", "dns", "-O", "search",
                "-O", "hostname"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OUT", out.toString());
        return pb;
    }

    private static Map<String, String> variables(Path out) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    /**
     * Runs an IPv6 client until it holds a DHCPv6 lease (after the guest's link-local address is
     * usable: a real guest's client starts as late). Returns the client's own account of it:
     * dhclient's {@code new_*} variables, or dhcpcd's log.
     */
    public String lease6(Dhcpv6Client client) throws Exception {
        awaitUsable("link");
        String account = runClient(client);
        awaitUsable("global"); // past duplicate address detection: until then the guest sends from its link-local address
        return account;
    }

    private String runClient(Dhcpv6Client client) throws Exception {
        Path out = dir.resolve("lease6.env");
        if (client == Dhcpv6Client.DHCLIENT) {
            Path script = dir.resolve("dhclient6.sh");
            Files.writeString(script, DHCPV6_SCRIPT.replace("@OUT@", out.toString())); // dhclient gives scripts its own environment
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path pidFile = dir.resolve("dhclient6.pid");
            ProcessBuilder pb = new ProcessBuilder("dhclient", "-6", "-1", "-v", "-sf", script.toString(),
                    "-lf", dir.resolve("dhclient6.leases").toString(), "-pf", pidFile.toString(), "eth0").redirectErrorStream(true);
            ChildProcess.Result r = ChildProcess.await(thread.call(pb::start), Duration.ofSeconds(60), "dhclient -6");
            if (!r.ok() || !Files.exists(out)) {
                throw new IllegalStateException("dhclient -6 got no lease: " + r.output());
            }
            stopOnClose(pidFile);
            return Files.readString(out);
        }
        // In a mount namespace of its own, so that its state and pid files stay out of the machine's.
        Path script = Files.writeString(dir.resolve("dhcpcd-hook.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "sh", "-ec", "mkdir -p /run/dhcpcd /var/lib/dhcpcd; "
                + "mount -t tmpfs podnic-test /run/dhcpcd; mount -t tmpfs podnic-test /var/lib/dhcpcd; "
                + "exec dhcpcd --ipv6only --oneshot --nobackground --config /dev/null --script \"$0\" eth0", script.toString())
                .redirectErrorStream(true);
        ChildProcess.Result r = ChildProcess.await(thread.call(pb::start), Duration.ofSeconds(60), "dhcpcd");
        if (!r.ok() || !r.output().contains("adding address")) {
            throw new IllegalStateException("dhcpcd got no lease: " + r.output());
        }
        return r.output();
    }

    /** Until eth0 has an IPv6 address of that scope that has passed duplicate address detection. */
    private void awaitUsable(String scope) {
        await("eth0 has a usable " + scope + " address", () -> {
            String a = run6("-o", "addr", "show", "dev", "eth0", "scope", scope);
            return a.contains("inet6") && !a.contains("tentative");
        });
    }

    /** The guest's IPv6 default route, as ip shows it (empty when there is none). */
    public String defaultRoute6() {
        return run6("route", "show", "default");
    }

    /** Until the guest's IPv6 default route goes through {@code router} (the kernel takes advertisements asynchronously). */
    public void awaitDefaultRoute6(String router) {
        await("an IPv6 default route via " + router, () -> defaultRoute6().contains("via " + router + " dev eth0"));
    }

    /** Until {@code condition} holds, looking every 20 ms for up to 10 s. */
    public static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // between two looks
        }
    }

    private String run6(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "-6"));
        cmd.addAll(List.of(args));
        try {
            return run(cmd);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pings once from inside the guest; true when answered. */
    public boolean ping(String address) throws Exception {
        Process p = thread.call(() -> new ProcessBuilder("busybox", "ping", address.contains(":") ? "-6" : "-4", "-c", "1", "-W", "2", address)
                .redirectErrorStream(true).start());
        return ChildProcess.await(p, Duration.ofSeconds(10), "ping " + address).ok();
    }

    public String run(List<String> cmd) throws Exception {
        Process p = thread.call(() -> new ProcessBuilder(cmd).redirectErrorStream(true).start());
        return ChildProcess.await(p, Duration.ofSeconds(10), cmd).output();
    }

    public Path path() {
        return path;
    }

    /**
     * Ends, when this guest closes, the daemon a client became once it held a lease. ISC dhclient -1 forks when bound and
     * its child writes the pid file after the parent has exited, so the file may still be missing or empty here.
     */
    public void stopOnClose(Path pidFile) {
        daemonPidFiles.add(pidFile);
    }

    /** Ends the clients that stayed running (dhclient keeps its lease), by their pid files. */
    @Override
    public void close() {
        try {
            for (Path pidFile : daemonPidFiles) {
                await("the daemon wrote " + pidFile, () -> pidIn(pidFile).isPresent());
                ProcessHandle.of(pidIn(pidFile).orElseThrow()).ifPresent(ProcessHandle::destroy);
            }
        } finally {
            thread.close();
        }
    }

    /** The pid in {@code file} once it is there in full (dhclient writes it with its newline). */
    private static java.util.Optional<Long> pidIn(Path file) {
        try {
            String pid = Files.readString(file);
            return pid.matches("[0-9]+\\n") ? java.util.Optional.of(Long.parseLong(pid.strip())) : java.util.Optional.empty();
        } catch (java.io.IOException notYet) {
            return java.util.Optional.empty();
        }
    }

}
