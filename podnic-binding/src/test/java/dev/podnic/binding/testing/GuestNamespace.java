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
 * vNIC's bridge, and busybox udhcpc configuring it from DHCP, as a guest's DHCP client would.
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

    private final Path path;
    private final NetnsThread thread;
    private final Path dir;

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
        Path script = dir.resolve("udhcpc.sh");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("lease.env");
        ProcessBuilder pb = new ProcessBuilder("busybox", "udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1", "-i", "eth0",
                "-s", script.toString(), "-O", "staticroutes", "-O", "mtu", "-O", "dns", "-O", "search", "-O", "hostname")
                .redirectErrorStream(true);
        pb.environment().put("OUT", out.toString());
        ChildProcess.Result udhcpc = ChildProcess.await(thread.call(pb::start), Duration.ofSeconds(30), "udhcpc");
        if (!udhcpc.ok() || !Files.exists(out)) {
            throw new IllegalStateException("udhcpc got no lease: " + udhcpc.output());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    /** Pings once from inside the guest; true when answered. */
    public boolean ping(String address) throws Exception {
        Process p = thread.call(() -> new ProcessBuilder("busybox", "ping", "-c", "1", "-W", "2", address)
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

    @Override
    public void close() {
        thread.close();
    }

}
