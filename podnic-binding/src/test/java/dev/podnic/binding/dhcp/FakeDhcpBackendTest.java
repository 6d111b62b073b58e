package dev.podnic.binding.dhcp;

import dev.podnic.binding.testing.FakeDhcpBackend;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.fake.FakeKernel;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** The fake DHCP backend, in both shapes, held to the contract the real backends pass. */
class FakeDhcpBackendTest {
    private NetworkOps pod;

    @BeforeEach
    void kernel() {
        FakeKernel kernel = new FakeKernel();
        kernel.createNamespace(Path.of("/run/netns/pod"));
        pod = kernel.open(Path.of("/run/netns/pod"));
    }

    @Nested
    class DnsmasqShape extends DhcpBackendContract {
        @Override
        protected Subject subject() {
            return fake(FakeDhcpBackend.dnsmasq(pod));
        }
    }

    @Nested
    class LibvirtShape extends DhcpBackendContract {
        @Override
        protected Subject subject() {
            return fake(FakeDhcpBackend.libvirt(pod, VM));
        }
    }

    private DhcpBackendContract.Subject fake(FakeDhcpBackend backend) {
        return new DhcpBackendContract.Subject(backend, pod, bridge -> backend.running().containsKey(bridge));
    }
}
