package dev.podnic.binding.testing;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.libvirt.LibvirtPod;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For integration tests with real parts: a node namespace running Debian's plugins (network
 * {@code podnet}: bridge + host-local on {@link #subnet()} (and {@link #ipv6Subnet()}) + tuning with {@link #mtu()}), a pod
 * namespace with netlink and a thread inside it, and on request a libvirtd in the pod. After each
 * test the libvirtd is stopped, no address may be left allocated, and everything is removed (a
 * subclass's own {@code @AfterEach} runs first).
 */
public abstract class WithRealPod {
    @TempDir
    protected Path tmp;
    protected TestNamespaces namespaces;
    /** The node's namespace (its name under /run/netns), where the plugins run. */
    protected String node;
    protected NetnsThread nodeThread;
    protected ProcessPluginExec exec;
    protected CniRuntime cni;
    protected NetworkConfigList net;
    protected String pod;
    protected NetnsThread podThread;
    protected NetworkOps podOps;
    /** The pod's libvirtd, when the test started one ({@link #startLibvirtd}); stopped after the test. */
    protected LibvirtPod libvirtd;

    /** The node's pod subnet, distinct per test class. */
    protected abstract String subnet();

    protected int mtu() {
        return 1400;
    }

    /** With an IPv6 prefix, the node's network is dual stack (host-local's second range, a default route for each). */
    protected String ipv6Subnet() {
        return null;
    }

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void nodeAndPod() {
        namespaces = new TestNamespaces();
        node = namespaces.create();
        nodeThread = NetnsThread.enter(path(node));
        exec = new ProcessPluginExec(nodeThread);
        cni = new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache"), Duration.ofSeconds(30), exec);
        net = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"" + subnet() + "\"}]" + (ipv6Subnet() == null ? "" : ",[{\"subnet\":\"" + ipv6Subnet() + "\"}]")
                + "],\"routes\":[{\"dst\":\"0.0.0.0/0\"}" + (ipv6Subnet() == null ? "" : ",{\"dst\":\"::/0\"}") + "]}},"
                + "{\"type\":\"tuning\",\"mtu\":" + mtu() + "}]}").getBytes(StandardCharsets.UTF_8), "test");
        pod = namespaces.create();
        podThread = NetnsThread.enter(path(pod));
        podOps = KernelNetworkOps.open(path(pod));
    }

    /**
     * A DHCP server on the node's bridge (a rogue one, or the cluster's own) answering anyone, logging
     * every request it receives; the node's bridge must exist (a first CNI ADD makes it). Ended with
     * {@link RogueDhcp#close}.
     */
    protected RogueDhcp rogueDhcpOnTheNode(String range) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("rogue"));
        Path log = dir.resolve("rogue.log");
        Path pid = dir.resolve("rogue.pid");
        dev.podnic.netlink.testing.ChildProcess.Result rogue = dev.podnic.netlink.testing.ChildProcess.await(nodeThread.call(
                new ProcessBuilder("/usr/sbin/dnsmasq", "--conf-file=/dev/null", "--user=root", "--port=0", "--interface=cni-podnic",
                        "--bind-interfaces", "--except-interface=lo", "--dhcp-range=" + range, "--dhcp-authoritative", "--log-dhcp",
                        "--log-facility=" + log, "--pid-file=" + pid, "--dhcp-leasefile=" + dir.resolve("rogue.leases"))
                        .redirectErrorStream(true)::start), Duration.ofSeconds(30), "rogue dnsmasq");
        if (!rogue.ok()) {
            throw new IllegalStateException("rogue dnsmasq: " + rogue.output());
        }
        return new RogueDhcp(log, pid);
    }

    /** A rogue DHCP server's log (dnsmasq's --log-dhcp) and pid file. */
    protected record RogueDhcp(Path log, Path pid) implements AutoCloseable {
        /** What dnsmasq logs of any request it receives: a guest's DISCOVER names its client ("udhcp"). */
        public boolean heardAnyone() throws IOException {
            String text = java.nio.file.Files.readString(log);
            return text.contains("vendor class") || text.contains("DHCPDISCOVER");
        }

        @Override
        public void close() throws IOException {
            ProcessHandle.of(Long.parseLong(java.nio.file.Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
        }
    }

    /** The addresses host-local has handed out on the node's network, as its store lists them. */
    protected Set<String> allocatedAddresses() {
        try {
            return new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations().stream().map(HostLocalStore.Allocation::ip)
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a libvirtd inside the pod (its own mount namespace), as the seed's libvirt pod runs it. */
    protected LibvirtPod startLibvirtd() {
        libvirtd = new LibvirtPod(path(pod), tmp.resolve("libvirt"));
        libvirtd.start();
        return libvirtd;
    }

    @AfterEach
    void nothingLeaks() throws Exception {
        if (libvirtd != null) {
            libvirtd.stop();
            assertThat(libvirtd.pid()).as("libvirtd stopped").isEmpty();
        }
        try {
            assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).as("addresses left allocated").isEmpty();
        } finally {
            podOps.close();
            podThread.close();
            exec.close();
            nodeThread.close();
            namespaces.close();
        }
    }
}
