package dev.podnic.binding.dhcp.server;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.dhcp.RouterAdvertisements;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * DHCP served by the podnic process itself ({@link DhcpServers}; for the node daemon, which lives
 * longer than any pod it wires): per vNIC bridge, sockets in the pod's namespace and a thread,
 * instead of a dnsmasq process. It answers whichever client asks on the bridge (the host side of the
 * KubeVirt binding wires the pod before anyone knows the VM's MAC), so it requires the
 * {@link DhcpIsolation} that keeps the cluster side of the VMI interface out. IPv6 router
 * advertisements are sent by the same server (its lease says what they carry); an attachment an
 * earlier podnic made has a podnic-ra process for them instead ({@link RouterAdvertisements}), which
 * is still stopped with its server.
 *
 * <p>Each served lease is a file, {@code <bridge>.lease.json} in the state directory, written before
 * the server starts and removed when it stops: the record's reference to the server, what
 * {@link #resume} serves again after the process restarted, and what an operator reads. Each server
 * logs its answers to {@code <bridge>.log} beside it.
 */
public final class InProcessDhcpBackend implements DhcpBackend {
    public static final String NAME = "podnic";
    private static final String LEASE = ".lease.json";

    private final NetnsThread pod;
    private final Path stateDir;
    private final DhcpServers servers;
    private final DhcpIsolation isolation;
    private final RouterAdvertisements advertisements;

    /**
     * @param pod       a thread in the pod's namespace; null for a backend that only stops (the pod is gone)
     * @param isolation applied before a server starts, removed with it; null for a backend that only stops
     *                  servers or {@link #resume}s them (their pods hold their tables already)
     */
    public InProcessDhcpBackend(NetnsThread pod, Path stateDir, DhcpServers servers,
                                DhcpIsolation isolation) {
        this(pod, stateDir, servers, isolation, new RouterAdvertisements(pod, stateDir));
    }

    /**
     * @param podNetns the pod's namespace by the path its runtime pinned it at: the router advertiser
     *                 started for an IPv6 vNIC ends by itself once the pod is gone (see {@link RouterAdvertisements})
     */
    public InProcessDhcpBackend(NetnsThread pod, Path stateDir, DhcpServers servers, DhcpIsolation isolation, Path podNetns) {
        this(pod, stateDir, servers, isolation, new RouterAdvertisements(pod, stateDir, podNetns));
    }

    private InProcessDhcpBackend(NetnsThread pod, Path stateDir, DhcpServers servers, DhcpIsolation isolation,
                                 RouterAdvertisements advertisements) {
        this.pod = pod;
        this.stateDir = stateDir;
        this.servers = servers;
        this.isolation = isolation;
        this.advertisements = advertisements;
    }

    @Override
    public String name() {
        return NAME;
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

    @Override
    public DhcpServer start(VNicPlan plan) {
        if (pod == null || isolation == null) {
            throw new IllegalStateException("this backend was made to stop or resume servers: it has no pod thread or isolation");
        }
        Path file = leaseFile(plan.bridge());
        isolation.apply(plan); // before the server answers anyone
        try {
            ServedLease lease = ServedLease.of(plan, newDuid()); // kept in the lease file: resume answers as the same server
            Files.createDirectories(stateDir);
            Files.write(file, ServedLeaseJson.write(lease));
            servers.start(file.toString(), pod, plan.bridge(), lease, log(plan.bridge()));
        } catch (IOException e) {
            throw new DhcpException("cannot serve DHCP on " + plan.bridge() + ": " + e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new DhcpException(e.getMessage());
        }
        return new DhcpServer(NAME, plan.bridge(), file.toString());
    }

    /**
     * Serves every lease recorded in the state directory again (this process restarted; the pod's
     * namespace is {@code pod}'s). Returns the bridges now served.
     *
     * @throws DhcpException for a lease file that cannot be read (the others are served)
     */
    public List<String> resume() {
        List<String> bridges = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path file : leaseFiles()) {
            String bridge = bridgeOf(file);
            try {
                ServedLease lease = ServedLeaseJson.read(Files.readAllBytes(file));
                servers.start(file.toString(), pod, bridge, lease, log(bridge));
                bridges.add(bridge);
            } catch (IOException | RuntimeException e) {
                failures.add(file + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new DhcpException("cannot serve DHCP again from " + String.join("; ", failures));
        }
        return bridges;
    }

    @Override
    public boolean serves(DhcpServer server) {
        return servers.serving(server.ref()) && advertisements.serves(server.bridge());
    }

    @Override
    public void stop(DhcpServer server) {
        servers.stop(server.ref());
        advertisements.stop(server.bridge());
        delete(Path.of(server.ref()));
    }

    /** Also removes the bridge's DHCP isolation: every way down passes here, and a rerun of up applies it again. */
    @Override
    public void stopStray(String bridge) {
        Path file = leaseFile(bridge);
        servers.stop(file.toString());
        advertisements.stop(bridge);
        delete(file);
        if (isolation != null) {
            isolation.remove(bridge);
        }
    }

    @Override
    public String domainInterface(VNic nic, DhcpServer server) {
        return DomainInterfaceXml.forBridge(nic, server.bridge());
    }

    /** Every server this state directory runs, whatever the VM: the directory serves one pod's attachment. */
    @Override
    public List<DhcpServer> discover(VmNames vm) {
        return leaseFiles().stream().map(f -> new DhcpServer(NAME, bridgeOf(f), f.toString())).toList();
    }

    private Path leaseFile(String bridge) {
        return stateDir.resolve(bridge + LEASE);
    }

    private List<Path> leaseFiles() {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(LEASE)).sorted().toList();
        } catch (NoSuchFileException none) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bridgeOf(Path leaseFile) {
        String name = leaseFile.getFileName().toString();
        return name.substring(0, name.length() - LEASE.length());
    }

    /** DUID-UUID (RFC 6355): type 4 and a random UUID; needs no link-layer address of the bridge. */
    private static byte[] newDuid() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(18).putShort((short) 4).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
    }

    /** Appends the server's lines to {@code <bridge>.log}, as dnsmasq's log facility did; within a budget (a guest may flood). */
    private Consumer<String> log(String bridge) {
        Path file = stateDir.resolve(bridge + ".log");
        return new RateLimitedLog(line -> {
            try {
                Files.write(file, (Instant.now() + " " + line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the log is for people; serving goes on without it
            }
        });
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
