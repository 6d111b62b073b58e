package dev.podnic.binding.dhcp;

import static dev.podnic.cni.testing.TestNamespaces.path;

import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** dnsmasq processes in a real pod namespace, held to the DHCP backend contract. */
class DnsmasqBackendIT extends DhcpBackendContract {
    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private NetnsThread podThread;
    private NetworkOps pod;
    private DnsmasqBackend backend;

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void podNamespace() {
        namespaces = new TestNamespaces();
        String name = namespaces.create();
        podThread = NetnsThread.enter(path(name));
        pod = KernelNetworkOps.open(path(name));
        backend = new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"));
    }

    @AfterEach
    void cleanUp() {
        try {
            pod.links().stream().filter(l -> l.name().startsWith("pdnbr-")).forEach(l -> backend.stopStray(l.name()));
        } finally {
            pod.close();
            podThread.close();
            namespaces.close();
        }
    }

    @Override
    protected Subject subject() {
        return new Subject(backend, pod, this::serving);
    }

    /** A dnsmasq process of this test's state directory bound to the bridge, as ps would show it. */
    private boolean serving(String bridge) {
        String dir = tmp.resolve("dhcp").toString();
        return ProcessHandle.allProcesses().anyMatch(h -> h.isAlive() && h.info().commandLine()
                .map(c -> c.contains("dnsmasq") && c.contains("--interface=" + bridge + " ") && c.contains(dir)).orElse(false)
                && !zombie(h.pid()));
    }

    private static boolean zombie(long pid) {
        try {
            String s = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException gone) {
            return true;
        }
    }
}
