package dev.podnic.netlink.fake;

import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.NetworkOpsContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class FakeNetworkOpsTest extends NetworkOpsContract {
    private final FakeKernel kernel = new FakeKernel();
    private final List<Path> created = new ArrayList<>();

    @org.junit.jupiter.api.Test
    void dummiesAndLearningAreModelled() {
        org.assertj.core.api.Assertions.assertThat(ops.createDummy("pdnd0").kind()).isEqualTo("dummy");
        ops.createBridge("pdnbr0");
        ops.setMaster("pdnd0", "pdnbr0");
        FakeNetworkOps fake = (FakeNetworkOps) ops;
        org.assertj.core.api.Assertions.assertThat(fake.learning("pdnd0")).isTrue();
        ops.setLearning("pdnd0", false);
        org.assertj.core.api.Assertions.assertThat(fake.learning("pdnd0")).isFalse();
    }

    @Override
    protected Path createNamespace() {
        Path p = Path.of("/run/netns/fake" + created.size());
        kernel.createNamespace(p);
        created.add(p);
        return p;
    }

    @Override
    protected NetworkOps open(Path namespace) {
        return kernel.open(namespace);
    }

    @Override
    protected void deleteNamespaces() {
        created.forEach(kernel::deleteNamespace);
    }
}
