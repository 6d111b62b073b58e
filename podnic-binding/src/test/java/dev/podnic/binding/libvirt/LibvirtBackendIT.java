package dev.podnic.binding.libvirt;

import static dev.podnic.cni.testing.TestNamespaces.path;

import dev.podnic.binding.dhcp.DhcpBackendContract;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/** libvirt networks on a libvirtd inside a real pod namespace, held to the DHCP backend contract. */
class LibvirtBackendIT extends DhcpBackendContract {
    @TempDir
    static Path tmp;
    private static TestNamespaces namespaces;
    private static String pod;
    private static LibvirtPod libvirtd;
    private NetworkOps podOps;
    private LibvirtBackend backend;

    @BeforeAll
    static void libvirtdInAPod() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
        namespaces = new TestNamespaces();
        pod = namespaces.create();
        libvirtd = new LibvirtPod(path(pod), tmp.resolve("libvirt"));
        libvirtd.start();
    }

    @AfterAll
    static void stop() {
        try {
            libvirtd.stop();
        } finally {
            namespaces.close();
        }
    }

    @BeforeEach
    void connect() {
        podOps = KernelNetworkOps.open(path(pod));
        backend = new LibvirtBackend(libvirtd.uri(), VM);
    }

    @AfterEach
    void cleanUp() {
        try {
            backend.discover(VM).forEach(backend::stop);
        } finally {
            backend.close();
            podOps.close();
        }
    }

    @Override
    protected Subject subject() {
        return new Subject(backend, podOps, this::serving);
    }

    /** An active network of this libvirtd on the bridge, as virsh net-list would show it. */
    private boolean serving(String bridge) {
        try {
            Connect c = new Connect(libvirtd.uri());
            try {
                for (String name : c.listNetworks()) {
                    Network n = c.networkLookupByName(name);
                    if (bridge.equals(n.getBridgeName()) && n.isActive() == 1) {
                        return true;
                    }
                }
                return false;
            } finally {
                c.close();
            }
        } catch (LibvirtException e) {
            throw new IllegalStateException(e);
        }
    }
}
