package dev.podnic.binding.attach;

import dev.podnic.binding.testing.FakeAttacher;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.fake.FakeKernel;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;

/** The fake CNI setup, held to the contract the real plugins pass. */
class FakeAttacherTest extends AttacherContract {
    private static final Path POD = Path.of("/run/netns/pod");
    private FakeKernel kernel;
    private FakeAttacher attacher;
    private NetworkOps pod;

    @BeforeEach
    void kernel() {
        kernel = new FakeKernel();
        kernel.createNamespace(Path.of("/run/netns/node"));
        kernel.createNamespace(POD);
        pod = kernel.open(POD);
        attacher = new FakeAttacher(kernel, POD, Path.of("/run/netns/node"), FakeAttacher.Shape.BRIDGE, "podnet");
    }

    @Override
    protected Subject subject() {
        return new Subject(attacher, pod, () -> attacher.allocations().values().stream().map(InetAddress::getHostAddress)
                .collect(Collectors.toSet()), () -> kernel.deleteNamespace(POD));
    }
}
