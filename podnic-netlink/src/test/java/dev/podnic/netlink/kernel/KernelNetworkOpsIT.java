package dev.podnic.netlink.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.NetworkOpsContract;
import dev.podnic.netlink.testing.ChildProcess;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contract against the real kernel, in namespaces made with iproute2 (pdnt&lt;pid&gt;x&lt;n&gt;). */
class KernelNetworkOpsIT extends NetworkOpsContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final List<String> created = new ArrayList<>();

    static String run(String... cmd) {
        return ChildProcess.run(new ProcessBuilder(cmd), Duration.ofSeconds(30)).orThrow(String.join(" ", cmd));
    }

    @Override
    protected Path createNamespace() {
        String name = "pdnt" + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet() + "nl";
        run("ip", "netns", "add", name);
        created.add(name);
        return Path.of("/run/netns", name);
    }

    @Override
    protected NetworkOps open(Path namespace) {
        return KernelNetworkOps.open(namespace);
    }

    @Override
    protected void deleteNamespaces() {
        created.forEach(n -> run("ip", "netns", "delete", n));
        created.clear();
    }

    @Test
    void currentNamespaceIsReadableWithoutAThread() {
        try (KernelNetworkOps here = KernelNetworkOps.current()) { // read-only: the root namespace is not ours to change
            assertThat(here.links()).extracting(dev.podnic.netlink.Link::name).contains("lo");
        }
    }

    @Test
    void operationsThroughACallersThreadActInItsNamespaceAndLeaveTheThreadRunning() throws Exception {
        Path ns = createNamespace();
        try (dev.podnic.netlink.netns.NetnsThread thread = dev.podnic.netlink.netns.NetnsThread.enter(ns)) {
            try (KernelNetworkOps there = KernelNetworkOps.in(thread)) {
                there.createBridge("pdnbrin0");
                there.setSysctl("net/ipv6/conf/pdnbrin0/accept_dad", "0"); // through the thread: its namespace's /proc/sys
            }
            assertThat(thread.call(() -> java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv6/conf/pdnbrin0/accept_dad"))))
                    .startsWith("0"); // the thread still serves, in the same namespace
            try (KernelNetworkOps inNs = KernelNetworkOps.open(ns)) {
                assertThat(inNs.findLink("pdnbrin0")).isPresent();
            }
        }
    }

    @Test
    void dummyLinksNeedTheDummyDriver() {
        try {
            assertThat(ops.createDummy("pdnd0").kind()).isEqualTo("dummy");
        } catch (dev.podnic.netlink.InvalidRequestException e) {
            // Kernels built without the dummy driver (like this VM's) refuse the kind; nothing is left.
            assertThat(e.errno()).isEqualTo(dev.podnic.netlink.sys.Errno.EOPNOTSUPP);
            assertThat(e.getMessage()).contains("Unknown device type");
            assertThat(ops.findLink("pdnd0")).isEmpty();
        }
    }

    @Test
    void learningIsWhatTheBridgeToolShows() {
        ops.createBridge("pdnbr0");
        ops.createVeth("pdnv0", "pdnv1", null);
        ops.setMaster("pdnv0", "pdnbr0");
        ops.setLearning("pdnv0", false);
        String ns = created.get(0);
        assertThat(run("bridge", "-n", ns, "-d", "link", "show", "dev", "pdnv0")).contains("learning off");
        ops.setLearning("pdnv0", true);
        assertThat(run("bridge", "-n", ns, "-d", "link", "show", "dev", "pdnv0")).contains("learning on");
    }

    @Test
    void aPluggedPortIsInItsBridgeUpAndAtItsMtuAsIpShows() {
        ops.createBridge("pdnbr0");
        ops.createVeth("pdnv0", "pdnv1", null);
        ops.plug("pdnv0", "pdnbr0", 1400);
        ops.plug("pdnv1", "pdnbr0", 0);
        String ns = created.get(0);
        assertThat(run("ip", "-n", ns, "-o", "link", "show", "dev", "pdnv0")).contains("mtu 1400").contains("master pdnbr0")
                .contains(",UP");
        assertThat(run("ip", "-n", ns, "-o", "link", "show", "dev", "pdnv1")).as("its MTU left as it was").contains("mtu 1500")
                .contains("master pdnbr0").contains(",UP");
        assertThatThrownBy(() -> ops.plug("pdnv0", "pdnnone", 0)).hasMessageContaining("pdnnone");
    }

    @Test
    void whatPodnicDidIsWhatIpShows() {
        ops.createBridge("pdnbr0");
        ops.setMtu("pdnbr0", 1450);
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", dev.podnic.inet.IpNet.parse("169.254.75.1/32"), dev.podnic.netlink.Scope.LINK);
        String ns = created.get(0);
        assertThat(run("ip", "-n", ns, "-o", "addr", "show", "dev", "pdnbr0")).contains("inet 169.254.75.1/32 scope link");
        assertThat(run("ip", "-n", ns, "-o", "link", "show", "dev", "pdnbr0")).contains("mtu 1450").contains("UP");
    }

    /**
     * What KubeVirt's QEMU does with {@code managed='no'}: attach to a prepared tap as uid 107,
     * without privileges. Through a device node of the test's own (mode 666, as KubeVirt's device
     * plugin gives the compute container), since the machine's /dev/net/tun may be root's only.
     */
    @Test
    void aTapWithAnOwnerCanBeAttachedByThatUserAndNoOtherUnprivilegedOne() throws Exception {
        ops.createTap("pdntap1", 107);
        ops.createTap("pdntap2");
        Path dir = java.nio.file.Files.createTempDirectory("pdnt-tun", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path tun = dir.resolve("tun");
        try {
            run("mknod", "-m", "666", tun.toString(), "c", "10", "200");
            String attach = "open(my $f, '+<', $ARGV[0]) or die \"open: $!\\n\"; "
                    + "ioctl($f, 0x400454ca, pack('Z16 s x22', $ARGV[1], 0x1002)) or die \"attach: $!\\n\"; print \"attached\\n\";";
            String ns = namespaceName();
            assertThat(asUser(107, ns, attach, tun, "pdntap1")).isEqualTo("attached");
            assertThat(asUser(108, ns, attach, tun, "pdntap1")).contains("attach: Operation not permitted");
            // Without an owner the tun driver lets anyone who can open the device attach: the owner is what keeps
            // other users of the pod off the VM's tap.
            assertThat(asUser(108, ns, attach, tun, "pdntap2")).isEqualTo("attached");
        } finally {
            java.nio.file.Files.deleteIfExists(tun);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    private String namespaceName() {
        return created.get(0);
    }

    private static String asUser(int uid, String netns, String perl, Path tun, String tap) {
        return ChildProcess.run(new ProcessBuilder("ip", "netns", "exec", netns, "setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", "perl", "-e", perl, tun.toString(), tap).redirectErrorStream(true), Duration.ofSeconds(30)).output().strip();
    }

    /**
     * A pod on a node bridge whose MAC changed after it came up (so its link-local address is not
     * the one its MAC implies), with another pod on the bridge that would answer an all-nodes echo
     * too: the probe asks the gateway alone, the other pod hears no echo request at all.
     */
    @Test
    void theGatewaysLinkLocalAddressIsLearnedFromTheLinkNotDerivedFromItsMac() throws Exception {
        String pod = created.get(0);
        String node = created.get(1);
        Path other = createNamespace();
        run("ip", "-n", node, "link", "add", "pdnnb0", "type", "bridge");
        run("ip", "-n", node, "link", "set", "pdnnb0", "up");
        run("ip", "-n", node, "addr", "add", "fd00:77::1/64", "dev", "pdnnb0", "nodad");
        run("ip", "-n", node, "link", "set", "pdnnb0", "address", "02:00:00:00:77:01");
        ops.createVeth("pdnv0", "pdnh0", peerPath);
        try (NetworkOps o = KernelNetworkOps.open(other)) {
            o.createVeth("pdnv1", "pdnh1", peerPath);
            o.setUp("pdnv1", true);
            o.addAddress("pdnv1", dev.podnic.inet.IpNet.parse("fd00:77::20/64"), dev.podnic.netlink.Scope.UNIVERSE);
        }
        for (String port : List.of("pdnh0", "pdnh1")) {
            run("ip", "-n", node, "link", "set", port, "master", "pdnnb0", "up");
        }
        ops.setUp("pdnv0", true);
        ops.addAddress("pdnv0", dev.podnic.inet.IpNet.parse("fd00:77::5/64"), dev.podnic.netlink.Scope.UNIVERSE);
        String gatewayLinkLocal = run("ip", "-n", node, "-6", "-o", "addr", "show", "dev", "pdnnb0", "scope", "link")
                .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1");
        assertThat(gatewayLinkLocal).isNotEqualTo("fe80::ff:fe00:7701"); // the MAC's own would be this one

        Optional<InetAddress> found = ops.neighbourLinkLocal("pdnv0", dev.podnic.inet.IpLiteral.parse("fd00:77::1"),
                Duration.ofSeconds(10));

        assertThat(found).contains(dev.podnic.inet.IpLiteral.parse(gatewayLinkLocal));
        assertThat(ops.neighbourLinkLocal("pdnv0", dev.podnic.inet.IpLiteral.parse("fd00:77::99"), Duration.ofMillis(300)))
                .isEmpty(); // nobody owns it
        assertThat(echoRequestsReceived(node)).as("the gateway was asked").isPositive();
        assertThat(echoRequestsReceived(other.getFileName().toString())).as("the other pod was not").isZero();
    }

    /** Icmp6InEchos of a namespace (its /proc/net/snmp6). */
    private static long echoRequestsReceived(String netns) {
        return run("ip", "netns", "exec", netns, "cat", "/proc/net/snmp6").lines().filter(l -> l.startsWith("Icmp6InEchos "))
                .mapToLong(l -> Long.parseLong(l.substring("Icmp6InEchos".length()).strip())).findFirst().orElseThrow();
    }
}
