package dev.podnic.binding.dhcp.server;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.dhcp.DhcpBackendContract;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnic's own DHCP server in a real pod namespace, held to the DHCP backend contract, and leasing
 * to a real client (busybox udhcpc) on a veth into the bridge: the lease, a renewal (unicast to the
 * server), and the same lease served again by a new process's servers from the lease file.
 */
class InProcessDhcpBackendIT extends DhcpBackendContract {
    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private String podName;
    private NetnsThread podThread;
    private NetworkOps pod;
    private NetfilterTables tables;
    private DhcpServers servers;
    private InProcessDhcpBackend backend;

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void podNamespace() {
        namespaces = new TestNamespaces();
        podName = namespaces.create();
        podThread = NetnsThread.enter(path(podName));
        pod = KernelNetworkOps.open(path(podName));
        tables = NetfilterTables.open(podThread);
        servers = new DhcpServers();
        backend = new InProcessDhcpBackend(podThread, tmp.resolve("dhcp"), servers, new DhcpIsolation(tables));
    }

    @AfterEach
    void cleanUp() {
        try {
            servers.close();
        } finally {
            tables.close();
            pod.close();
            podThread.close();
            namespaces.close();
        }
    }

    @Override
    protected Subject subject() {
        return new Subject(backend, pod, this::serving);
    }

    /** A UDP socket on port 67 bound to the bridge in the pod, as ss would show it. */
    private boolean serving(String bridge) {
        try {
            return TestNamespaces.run(java.util.List.of("ip", "netns", "exec", podName, "ss", "-H", "-u", "-a", "-n"))
                    .contains("%" + bridge + ":67");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRealClientLeasesRenewsAndIsServedAgainByTheNextProcess() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer server = backend.start(p);
        String guestNs = namespaces.create();
        try (GuestNamespace guest = new GuestNamespace(path(guestNs), pod, p.bridge(), "pdngd0", p.vnic().mac(),
                Files.createDirectories(tmp.resolve("guest")))) {
            Map<String, String> lease = guest.lease();
            assertThat(lease).containsEntry("ip", "10.250.13.7").containsEntry("mask", "24").containsEntry("router", "10.250.13.1")
                    .containsEntry("serverid", p.bridgeAddress().address().getHostAddress())
                    .containsEntry("lease", Integer.toString(p.guest().leaseSeconds()));
            assertThat(Files.readString(tmp.resolve("dhcp").resolve(p.bridge() + ".log"))).contains("DHCPOFFER 10.250.13.7")
                    .contains("DHCPACK 10.250.13.7");

            // The daemon restarts: a new process's servers, from the lease file alone.
            servers.close();
            assertThat(serving(p.bridge())).isFalse();
            servers = new DhcpServers();
            InProcessDhcpBackend next = new InProcessDhcpBackend(podThread, tmp.resolve("dhcp"), servers, new DhcpIsolation(tables));
            assertThat(next.resume()).containsExactly(p.bridge());
            assertThat(next.serves(server)).isTrue();
            assertThat(guest.renew()).containsEntry("ip", "10.250.13.7");
            assertThat(Files.readString(tmp.resolve("dhcp").resolve(p.bridge() + ".log")))
                    .contains("DHCPACK 10.250.13.7 to " + p.vnic().mac() + " (renewing)");
            next.stop(server);
        }
    }

    /**
     * A hostile guest floods the server with requests (unicast to it, as fast as a socket sends): the
     * flood arrives and is answered (the guest counts the server's OFFERs to its own transaction), the
     * log stays within its budget, the server keeps serving, and an honest client still leases.
     */
    @Test
    void aFloodingGuestNeitherFillsTheLogNorStopsTheServer() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer server = backend.start(p);
        String guestNs = namespaces.create();
        int flood = 5000;
        try (GuestNamespace guest = new GuestNamespace(path(guestNs), pod, p.bridge(), "pdngd1", p.vnic().mac(),
                Files.createDirectories(tmp.resolve("guest")));
             NetnsThread inGuest = NetnsThread.enter(path(guestNs))) {
            guest.lease(); // an address and a route to the server
            // The guest's client port, opened in its namespace (a socket stays in the namespace it was made in).
            java.net.DatagramSocket replies = inGuest.call(() -> {
                java.net.DatagramSocket s = new java.net.DatagramSocket(null);
                s.setReuseAddress(true);
                s.setReceiveBufferSize(8 << 20);
                s.bind(new java.net.InetSocketAddress(68));
                s.setSoTimeout(2000);
                return s;
            });
            try (replies) {
                inGuest.call(() -> {
                    try (java.nio.channels.DatagramChannel c = java.nio.channels.DatagramChannel.open()) {
                        java.net.InetSocketAddress to = new java.net.InetSocketAddress(p.bridgeAddress().address(), 67);
                        for (int i = 0; i < flood; i++) {
                            c.send(java.nio.ByteBuffer.wrap(RealClientPackets.UDHCPC_DISCOVER), to);
                        }
                    }
                    return null;
                });
                byte[] xid = java.util.Arrays.copyOfRange(RealClientPackets.UDHCPC_DISCOVER, 4, 8);
                int offers = 0;
                java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[1500], 1500);
                try {
                    for (;;) { // until the server has been quiet for 2 s
                        replies.receive(packet);
                        byte[] d = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                        if (d.length > 8 && d[0] == 2 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(d, 4, 8), xid)) {
                            offers++;
                        }
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // the flood is over
                }
                long serverDrops = podThread.call(() -> udpDrops(67));
                long guestDrops = inGuest.call(() -> udpDrops(68));
                System.err.println("flood: " + flood + " DISCOVERs sent; " + offers + " OFFERs received; dropped by the kernel at the "
                        + "server's socket " + serverDrops + ", at the guest's " + guestDrops);
                // Every request either reached the server and was answered, or the kernel dropped it at the server's full
                // socket buffer (what bounds a flood's cost to the daemon); every answer arrived or was dropped at the guest's.
                assertThat(offers).as("the flood reached the server and was answered").isPositive();
                assertThat(offers + serverDrops + guestDrops).isEqualTo(flood);
            }
            assertThat(guest.renew()).containsEntry("ip", "10.250.13.7");
            assertThat(backend.serves(server)).isTrue();
            java.util.List<String> log = Files.readAllLines(tmp.resolve("dhcp").resolve(p.bridge() + ".log"));
            assertThat(log).hasSizeLessThanOrEqualTo(RateLimitedLog.LINES_PER_MINUTE + 1);
        }
        backend.stop(server);
    }

    /** The kernel's count of datagrams dropped at this namespace's UDP sockets on {@code port} (/proc/net/udp's last column). */
    private static long udpDrops(int port) throws java.io.IOException {
        String local = String.format(":%04X ", port);
        long drops = 0;
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/net/udp"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 12 && (f[1] + " ").endsWith(local)) {
                drops += Long.parseLong(f[f.length - 1]);
            }
        }
        return drops;
    }

    /** The other clients guests run: ISC dhclient and dhcpcd lease the vNIC's address with its options. */
    @Test
    void iscDhclientAndDhcpcdLeaseTheSameAddress() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer server = backend.start(p);
        Path dir = Files.createDirectories(tmp.resolve("guest"));
        Path pidFile = dir.resolve("dhclient.pid");
        try (GuestNamespace guest = new GuestNamespace(path(namespaces.create()), pod, p.bridge(), "pdngd2", p.vnic().mac(), dir)) {
            String out = guest.run(java.util.List.of("dhclient", "-4", "-1", "-v", "-sf", "/bin/true", "-lf",
                    dir.resolve("dhclient.leases").toString(), "-pf", pidFile.toString(), "eth0"));
            if (out.contains("bound to")) {
                guest.stopOnClose(pidFile); // dhclient stays, holding its lease
            }
            assertThat(out).contains("bound to 10.250.13.7");
            assertThat(Files.readString(dir.resolve("dhclient.leases"))).contains("fixed-address 10.250.13.7;")
                    .contains("option subnet-mask 255.255.255.0;").contains("option routers 10.250.13.1;")
                    .contains("option dhcp-server-identifier " + p.bridgeAddress().address().getHostAddress() + ";")
                    .contains("option rfc3442-classless-static-routes 32,169,254,75,1,0,0,0,0,32,10,250,13,1,0,0,0,0,0,10,250,13,1;")
                    .contains("option interface-mtu " + p.guest().mtu() + ";");
            Path hook = Files.writeString(dir.resolve("dhcpcd-hook.sh"), "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            // In a mount namespace of its own, so that its state and pid files stay out of the machine's.
            String dhcpcd = guest.run(java.util.List.of("unshare", "--mount", "sh", "-ec", "mkdir -p /run/dhcpcd /var/lib/dhcpcd; "
                    + "mount -t tmpfs podnic-test /run/dhcpcd; mount -t tmpfs podnic-test /var/lib/dhcpcd; "
                    + "exec dhcpcd --ipv4only --oneshot --nobackground --noarp --config /dev/null --script \"$0\" eth0", hook.toString()));
            assertThat(dhcpcd).contains("leased 10.250.13.7");
        }
        backend.stop(server);
    }
}
