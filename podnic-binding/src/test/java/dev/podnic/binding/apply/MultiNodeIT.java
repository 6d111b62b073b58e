package dev.podnic.binding.apply;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes joined by a link, each with its own pod subnet (host-local range per node) and a route
 * to the other's: a VM's vNIC on node 1 reaches a pod on node 2 by its pod IP, and back — what any
 * CNI that gives pods routable IPs provides on a real cluster.
 */
class MultiNodeIT {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: vm1}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:0a:01'}}]}}}")
            .getBytes(StandardCharsets.UTF_8), "test");

    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void setUp() {
        namespaces = new TestNamespaces();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (String n : List.of("node1", "node2")) {
                assertThat(new HostLocalStore(tmp.resolve("ipam-" + n), "podnet").allocations()).isEmpty();
            }
        } finally {
            for (int i = closers.size() - 1; i >= 0; i--) {
                closers.get(i).close();
            }
            namespaces.close();
        }
    }

    private CniRuntime runtime(String node, String name) {
        NetnsThread t = NetnsThread.enter(path(node));
        ProcessPluginExec exec = new ProcessPluginExec(t);
        closers.add(t);
        closers.add(exec);
        return new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache-" + name), Duration.ofSeconds(30), exec);
    }

    private NetworkConfigList network(String name, String subnet) {
        return new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam-" + name) + "\","
                + "\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}")
                .getBytes(StandardCharsets.UTF_8), name);
    }

    @Test
    void aVmOnNodeOneAndAPodOnNodeTwoReachEachOther() throws Exception {
        String node1 = namespaces.create();
        String node2 = namespaces.create();
        // The nodes' link and routes (a cluster network would provide these).
        ip("link", "add", "pdnn1", "netns", node1, "type", "veth", "peer", "name", "pdnn2", "netns", node2);
        ip("-n", node1, "addr", "add", "10.243.0.1/30", "dev", "pdnn1");
        ip("-n", node2, "addr", "add", "10.243.0.2/30", "dev", "pdnn2");
        ip("-n", node1, "link", "set", "pdnn1", "up");
        ip("-n", node2, "link", "set", "pdnn2", "up");
        CniRuntime cni1 = runtime(node1, "node1");
        CniRuntime cni2 = runtime(node2, "node2");
        NetworkConfigList net1 = network("node1", "10.244.1.0/24");
        NetworkConfigList net2 = network("node2", "10.244.2.0/24");

        String launcherPod = namespaces.create();
        String remotePod = namespaces.create();
        CniResult remote = cni2.add(net2, RuntimeConf.of("kubelet-remote", path(remotePod).toString(), "eth0"));
        ip("-n", node1, "route", "add", "10.244.2.0/24", "via", "10.243.0.2");
        ip("-n", node2, "route", "add", "10.244.1.0/24", "via", "10.243.0.1");

        NetworkOps podOps = KernelNetworkOps.open(path(launcherPod));
        NetnsThread podThread = NetnsThread.enter(path(launcherPod));
        closers.add(podOps);
        closers.add(podThread);
        BindingEngine binding = new BindingEngine(new InProcessAttacher(cni1, net1, path(launcherPod)), podOps,
                new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq")), Domains.NONE,
                new RecordStore(tmp.resolve("records")), Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\n"),
                path(launcherPod));
        try {
            BoundVNic b = binding.up(VMI).get(0);
            GuestNamespace guest = new GuestNamespace(path(namespaces.create()), podOps, b.plan().bridge(), "pdng0",
                    b.plan().vnic().mac(), Files.createDirectories(tmp.resolve("guest")));
            closers.add(guest);
            String vmIp = guest.lease().get("ip");
            assertThat(vmIp).startsWith("10.244.1.");
            String remoteIp = remote.ips().get(0).address().address().getHostAddress();
            assertThat(guest.ping(remoteIp)).as("VM on node 1 -> pod on node 2").isTrue();
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", remotePod, "busybox", "ping", "-c", "1", "-W", "2", vmIp)))
                    .as("pod on node 2 -> VM on node 1").contains("1 packets received");
        } finally {
            binding.down("default", "vm1", Optional.empty());
            cni2.del(net2, RuntimeConf.of("kubelet-remote", path(remotePod).toString(), "eth0"));
        }
    }
}
