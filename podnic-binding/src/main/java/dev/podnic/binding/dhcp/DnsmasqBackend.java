package dev.podnic.binding.dhcp;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DHCP by a dnsmasq daemon that podnic starts inside the pod's namespace (from a thread living
 * there), one per vNIC, bound to the vNIC's bridge; for an IPv6 vNIC beside it podnic-ra, the
 * router advertisements ({@link RouterAdvertisements}). For hosts without libvirt networks.
 */
public final class DnsmasqBackend implements DhcpBackend {
    private final NetnsThread pod;
    private final Path stateDir;
    private final Path binary;
    private final boolean anyClient;
    private final DhcpIsolation isolation;
    private final RouterAdvertisements advertisements;

    /**
     * @param pod      a thread inside the pod's namespace
     * @param stateDir where lease files and logs go (one file pair per bridge)
     */
    public DnsmasqBackend(NetnsThread pod, Path stateDir, Path binary) {
        this(pod, stateDir, binary, null, false);
    }

    /**
     * @param isolation keeps DHCP from crossing the VMI interface (applied before the server starts,
     *                  removed with it); null: none
     * @param anyClient serve whichever client asks on the bridge, not only the vNIC's MAC (see
     *                  {@link DnsmasqOptions#dhcp(VNicPlan, boolean)}); needs {@code isolation}
     */
    public DnsmasqBackend(NetnsThread pod, Path stateDir, Path binary, DhcpIsolation isolation, boolean anyClient) {
        if (anyClient && isolation == null) {
            throw new IllegalArgumentException("a server for any client must be isolated from the cluster side");
        }
        this.pod = pod;
        this.stateDir = stateDir;
        this.binary = binary;
        this.anyClient = anyClient;
        this.isolation = isolation;
        this.advertisements = new RouterAdvertisements(pod, stateDir);
    }

    @Override
    public String name() {
        return "dnsmasq";
    }

    @Override
    public boolean createsBridge() {
        return false;
    }

    @Override
    public void prepare(VNic nic) {
        if (isolation != null) {
            isolation.apply(nic);
        }
    }

    /**
     * Starts dnsmasq as a daemon: the launched process exits once the daemon has bound its sockets
     * (or with dnsmasq's error), so readiness and failures are known without polling, and the
     * daemon outlives the podnic command that started it. Its PID comes from its pid file.
     */
    @Override
    public DhcpServer start(VNicPlan plan) {
        Path pidFile = stateDir.resolve(plan.bridge() + ".pid");
        Path out = stateDir.resolve(plan.bridge() + ".out");
        if (isolation != null) {
            isolation.apply(plan); // before the server answers anyone
        }
        try {
            Files.createDirectories(stateDir); // (the pid file of an earlier server stays until this one replaces it)
            // A new server starts with no leases: the address is the vNIC's alone, and a lease an earlier wiring of this bridge
            // gave (to a client identifier that may never ask again) would make dnsmasq refuse it to the guest's new one.
            Files.deleteIfExists(stateDir.resolve(plan.bridge() + ".leases"));
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--conf-file=/dev/null",
                    "--user=root", "--pid-file=" + pidFile, "--log-facility=" + stateDir.resolve(plan.bridge() + ".log"),
                    "--dhcp-leasefile=" + stateDir.resolve(plan.bridge() + ".leases"),
                    "--interface=" + plan.bridge(), "--bind-interfaces", "--except-interface=lo"));
            // (--interface= is followed by another argument, which serves() relies on to match exactly.)
            DnsmasqOptions.dhcp(plan, anyClient).forEach(o -> cmd.add("--" + o));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            // Nothing of podnic's environment: and the C locale, so that dnsmasq loads no locale files as it starts.
            pb.environment().clear();
            pb.environment().put("LC_ALL", "C");
            Process p = pod.call(pb::start);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DhcpException("dnsmasq for " + plan.bridge() + " did not start within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new DhcpException("dnsmasq for " + plan.bridge() + " failed (status " + p.exitValue() + "): "
                        + Files.readString(out).strip());
            }
            DhcpServer server = new DhcpServer(name(), plan.bridge(), "pid:" + Files.readString(pidFile).strip());
            advertisements.start(plan);
            return server;
        } catch (DhcpException e) {
            throw e;
        } catch (Exception e) {
            throw new DhcpException("cannot start dnsmasq for " + plan.bridge() + ": " + e.getMessage());
        }
    }

    /**
     * Stops the recorded dnsmasq by its PID, and only if that PID still is the dnsmasq serving this
     * bridge (a PID can be reused after a reboot or a long time).
     */
    @Override
    public void stop(DhcpServer server) {
        process(server).ifPresent(ServerProcesses::end);
        advertisements.stop(server.bridge());
    }

    /** The recorded dnsmasq, if that PID still is the dnsmasq serving the recorded bridge. */
    private java.util.Optional<ProcessHandle> process(DhcpServer server) {
        long pid = Long.parseLong(server.ref().substring("pid:".length()));
        return ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> serves(c, server.bridge())).orElse(false));
    }

    @Override
    public boolean serves(DhcpServer server) {
        return process(server).filter(h -> !ServerProcesses.exited(h.pid())).isPresent() && advertisements.serves(server.bridge());
    }

    /**
     * Found by the bridge's pid file, which every dnsmasq this backend starts writes before it serves
     * (and a later start overwrites): no scan of every process on the node. Also removes the bridge's
     * DHCP isolation: every way down passes here, and a rerun of up re-applies it.
     */
    @Override
    public void stopStray(String bridge) {
        ServerProcesses.fromPidFile(stateDir.resolve(bridge + ".pid"), c -> serves(c, bridge)).ifPresent(ServerProcesses::end);
        advertisements.stop(bridge);
        if (isolation != null) {
            isolation.remove(bridge);
        }
    }

    @Override
    public String domainInterface(VNic nic, DhcpServer server) {
        return DomainInterfaceXml.forBridge(nic, server.bridge());
    }

    /**
     * Every dnsmasq this backend's state directory runs, whatever the VM: a launcher's state directory
     * serves one VM, as a pod runs one.
     */
    @Override
    public List<DhcpServer> discover(VmNames vm) {
        return ProcessHandle.allProcesses().flatMap(h -> h.info().commandLine().stream()
                        .filter(c -> c.contains("dnsmasq") && c.contains("--dhcp-leasefile=" + stateDir + "/"))
                        .flatMap(c -> bridgeOf(c).stream().map(b -> new DhcpServer(name(), b, "pid:" + h.pid()))))
                .toList();
    }

    private static java.util.Optional<String> bridgeOf(String commandLine) {
        int i = commandLine.indexOf("--interface=");
        if (i < 0) {
            return java.util.Optional.empty();
        }
        int end = commandLine.indexOf(' ', i);
        return java.util.Optional.of(commandLine.substring(i + "--interface=".length(), end < 0 ? commandLine.length() : end));
    }

    /** Our dnsmasq for this bridge: its command line names the bridge and this backend's state directory. */
    private boolean serves(String commandLine, String bridge) {
        return commandLine.contains("dnsmasq") && commandLine.contains("--interface=" + bridge + " ")
                && commandLine.contains("--dhcp-leasefile=" + stateDir.resolve(bridge + ".leases"));
    }

    /** Whether dnsmasq is installed where expected. */
    public boolean available() {
        return Files.isExecutable(binary);
    }

}
