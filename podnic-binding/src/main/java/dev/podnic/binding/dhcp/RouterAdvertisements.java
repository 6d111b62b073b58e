package dev.podnic.binding.dhcp;

import dev.podnic.binding.plan.GuestIpv6;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.inet.IpLiteral;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * IPv6 router advertisements on a vNIC's bridge, sent in the name of the network's gateway by
 * podnic-ra (a small C daemon this jar carries, built from {@code src/main/c/podnic-ra.c}; one per
 * IPv6 vNIC, beside its DHCP server). Its source address is the gateway's link-local address, so the
 * guest's default router is the gateway itself, resolved by neighbour discovery across the bridge:
 * the pod never routes. radvd and dnsmasq cannot send from an address the interface does not hold,
 * and add the interface's MAC, which would make the pod the router (see docs/ipv6.md).
 *
 * <p>Started from a thread in the pod's namespace, it daemonizes once serving (like dnsmasq), writes
 * {@code <bridge>.ra.pid} and removes it when stopped (after a last advertisement that withdraws the
 * default route).
 */
public final class RouterAdvertisements {
    static final String BINARY = "podnic-ra";
    private static final String RESOURCE = "/dev/podnic/binding/dhcp/" + BINARY;

    private final NetnsThread pod;
    private final Path stateDir;
    private final Path podNetns;

    /** @param stateDir where the executable, pid files and outputs go */
    public RouterAdvertisements(NetnsThread pod, Path stateDir) {
        this(pod, stateDir, pod == null || pod.path().startsWith("/proc/self") ? null : pod.path());
    }

    /**
     * @param podNetns the pod's namespace as the container runtime names it (its pin): podnic-ra ends by
     *                 itself once that no longer names its namespace; null: it runs until stopped
     */
    public RouterAdvertisements(NetnsThread pod, Path stateDir, Path podNetns) {
        this.pod = pod;
        this.stateDir = stateDir;
        this.podNetns = podNetns;
    }

    /** Advertises for the plan's bridge; nothing when the vNIC has no IPv6. */
    public void start(VNicPlan plan) {
        GuestIpv6 v6 = plan.guest().ipv6();
        if (v6 == null) {
            return;
        }
        Path out = stateDir.resolve(plan.bridge() + ".ra.out");
        try {
            pod.call(() -> {
                prepareBridge(plan.bridge());
                return null;
            });
            List<String> cmd = new ArrayList<>(List.of(install(stateDir).toString(), "--interface", plan.bridge()));
            if (v6.router() != null) {
                cmd.addAll(List.of("--router", IpLiteral.format(v6.router())));
            }
            cmd.addAll(List.of("--mtu", Integer.toString(Math.max(1280, plan.guest().mtu()))));
            if (v6.onLink()) {
                cmd.addAll(List.of("--on-link", v6.address().network().toString()));
            }
            cmd.addAll(List.of("--pid-file", pidFile(plan.bridge()).toString()));
            if (podNetns != null) {
                // It ends by itself when the pod's namespace is gone (no DEL, no GC): it must not keep the namespace alive.
                cmd.addAll(List.of("--netns", podNetns.toString()));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().clear();
            Process p = pod.call(pb::start);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DhcpException(BINARY + " for " + plan.bridge() + " did not start within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new DhcpException(BINARY + " for " + plan.bridge() + " failed (status " + p.exitValue() + "): "
                        + Files.readString(out).strip());
            }
        } catch (DhcpException e) {
            throw e;
        } catch (Exception e) {
            throw new DhcpException("cannot start " + BINARY + " for " + plan.bridge() + ": " + e.getMessage());
        }
    }

    /**
     * IPv6 on the bridge, and no advertisements taken by the pod (they are the guest's side's):
     * the advertiser's precondition, which a libvirt network's bridge lacks (libvirt disables IPv6 on
     * networks that declare no IPv6 address; the link-local address it then gets is usable at once,
     * as on podnic's own bridges). On a thread in the pod's namespace, where /proc/sys/net is the pod's.
     */
    public static void prepareBridge(String bridge) throws IOException {
        Path conf = Path.of("/proc/sys/net/ipv6/conf", bridge);
        Files.writeString(conf.resolve("accept_dad"), "0");
        Files.writeString(conf.resolve("accept_ra"), "0");
        Files.writeString(conf.resolve("disable_ipv6"), "0");
    }

    /** Ends the bridge's advertiser (it withdraws the default route as it goes); idempotent. */
    public void stop(String bridge) {
        process(bridge).ifPresent(ServerProcesses::end);
    }

    /** True unless an advertiser was started for the bridge and is gone (killed: its pid file stayed). */
    public boolean serves(String bridge) {
        return !Files.exists(pidFile(bridge)) || process(bridge).filter(h -> !ServerProcesses.exited(h.pid())).isPresent();
    }

    private java.util.Optional<ProcessHandle> process(String bridge) {
        Path pidFile = pidFile(bridge);
        return ServerProcesses.fromPidFile(pidFile, c -> c.contains(BINARY) && c.contains(" --interface " + bridge + " ")
                && c.contains(" --pid-file " + pidFile));
    }

    private Path pidFile(String bridge) {
        return stateDir.resolve(bridge + ".ra.pid");
    }

    /** Writes the executable to {@code dir/podnic-ra} unless the same is there already. */
    static Path install(Path dir) throws IOException {
        byte[] wanted;
        try (InputStream in = RouterAdvertisements.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the podnic jar (was it built without gcc?)");
            }
            wanted = in.readAllBytes();
        }
        Path target = dir.resolve(BINARY);
        if (Files.isExecutable(target) && Files.size(target) == wanted.length && Arrays.equals(Files.readAllBytes(target), wanted)) {
            return target;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + BINARY, ".tmp");
        try {
            Files.write(tmp, wanted);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
