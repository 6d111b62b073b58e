package dev.podnic.binding.attach;

import static dev.podnic.cni.testing.TestNamespaces.path;

import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Debian's bridge and host-local plugins, run by podnic's runtime in a node namespace, held to the attacher contract. */
class InProcessAttacherIT extends AttacherContract {
    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private NetnsThread node;
    private ProcessPluginExec exec;
    private String pod;
    private NetworkOps podOps;
    private InProcessAttacher attacher;

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void nodeAndPod() {
        namespaces = new TestNamespaces();
        node = NetnsThread.enter(path(namespaces.create()));
        exec = new ProcessPluginExec(node);
        CniRuntime cni = new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache"), Duration.ofSeconds(30), exec);
        NetworkConfigList net = new ConfigParser(new ObjectMapper()).parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.250.14.0/24\"}]]}}]}").getBytes(StandardCharsets.UTF_8), "test");
        pod = namespaces.create();
        podOps = KernelNetworkOps.open(path(pod));
        attacher = new InProcessAttacher(cni, net, path(pod));
    }

    @AfterEach
    void cleanUp() {
        podOps.close();
        exec.close();
        node.close();
        namespaces.close();
    }

    @Override
    protected Subject subject() {
        return new Subject(attacher, podOps, this::allocated, () -> namespaces.delete(pod));
    }

    private Set<String> allocated() {
        try {
            return new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations().stream().map(HostLocalStore.Allocation::ip)
                    .collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
