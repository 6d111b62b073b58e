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

    /** The contract on one shape of the fake, over this test's fake kernel. */
    abstract class Shape extends DhcpBackendContract {
        private FakeDhcpBackend backend;

        abstract FakeDhcpBackend make();

        @BeforeEach
        void start() {
            backend = make();
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
    class DnsmasqShape extends Shape {
        @Override
        FakeDhcpBackend make() {
            return FakeDhcpBackend.dnsmasq(pod);
        }
    }

    @Nested
    class LibvirtShape extends Shape {
        @Override
        FakeDhcpBackend make() {
            return FakeDhcpBackend.libvirt(pod, VM);
        }
    }
}
