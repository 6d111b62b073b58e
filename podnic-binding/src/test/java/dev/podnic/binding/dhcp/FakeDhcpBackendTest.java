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
        private FakeDhcpBackend backend;

        @BeforeEach
        void make() {
            backend = FakeDhcpBackend.dnsmasq(pod);
        }

        @Override
        protected DhcpBackend backend() {
            return backend;
        }

        @Override
        protected NetworkOps pod() {
            return pod;
        }

        @Override
        protected boolean serving(String bridge) {
            return backend.running().containsKey(bridge);
        }
    }

    @Nested
    class LibvirtShape extends DhcpBackendContract {
        private FakeDhcpBackend backend;

        @BeforeEach
        void make() {
            backend = FakeDhcpBackend.libvirt(pod, VM);
        }

        @Override
        protected DhcpBackend backend() {
            return backend;
        }

        @Override
        protected NetworkOps pod() {
            return pod;
        }

        @Override
        protected boolean serving(String bridge) {
            return backend.running().containsKey(bridge);
        }
    }
}
