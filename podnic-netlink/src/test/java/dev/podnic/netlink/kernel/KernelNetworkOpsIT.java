package dev.podnic.netlink.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.NetworkOpsContract;
import dev.podnic.netlink.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void whatPodnicDidIsWhatIpShows() {
        ops.createBridge("pdnbr0");
        ops.setMtu("pdnbr0", 1450);
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", dev.podnic.inet.IpNet.parse("169.254.75.1/32"), dev.podnic.netlink.Scope.LINK);
        String ns = created.get(0);
        assertThat(run("ip", "-n", ns, "-o", "addr", "show", "dev", "pdnbr0")).contains("inet 169.254.75.1/32 scope link");
        assertThat(run("ip", "-n", ns, "-o", "link", "show", "dev", "pdnbr0")).contains("mtu 1450").contains("UP");
    }
}
