package dev.podnic.cni.testing;

import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The runtime as the integration tests run it: its plugins started inside a "node" namespace the test made (so bridges
 * and host veths never touch the machine's root namespace), found first in a directory for the test's own scripts,
 * then among Debian's real plugins; pods are namespaces too. Closing it removes every namespace it made.
 */
public final class NodeRuntime implements AutoCloseable {
    private final TestNamespaces namespaces = new TestNamespaces();
    private final NetnsThread nodeThread;
    private final ProcessPluginExec exec;
    private final Path fakeBin;
    private final CniRuntime runtime;

    /** @param dir where the scripts, the CNI cache and host-local's store go */
    public NodeRuntime(Path dir) throws IOException {
        nodeThread = NetnsThread.enter(TestNamespaces.path(namespaces.create()));
        exec = new ProcessPluginExec(nodeThread);
        fakeBin = Files.createDirectories(dir.resolve("bin"));
        runtime = new CniRuntime(List.of(fakeBin, Path.of(RealPlugins.DIR)), dir.resolve("cache"), Duration.ofSeconds(3), exec);
    }

    public CniRuntime runtime() {
        return runtime;
    }

    /** The namespaces: {@code create()} makes a pod. */
    public TestNamespaces namespaces() {
        return namespaces;
    }

    /** The node's namespace, by name. */
    public String node() {
        return nodeThread.path().getFileName().toString();
    }

    /** Where a test's own plugins go ({@link RealPlugins#script}); searched before Debian's. */
    public Path fakeBin() {
        return fakeBin;
    }

    public static NetworkConfigList net(String json) {
        return new ConfigParser().parseAny(json.getBytes(StandardCharsets.UTF_8), "test");
    }

    /** {@code ifName} of a VMI in {@code pod} (its container ID named after the pod). */
    public static RuntimeConf attach(String pod, String ifName) {
        return RuntimeConf.of("vmi-" + pod, TestNamespaces.path(pod).toString(), ifName);
    }

    @Override
    public void close() {
        try {
            exec.close();
            nodeThread.close();
        } finally {
            namespaces.close();
        }
    }
}
