package dev.podnic.binding.apply;

import static dev.podnic.cni.testing.TestNamespaces.path;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A node namespace running the real plugins (bridge + host-local + tuning with MTU 1400 on
 * {@code subnet}), a pod namespace with netlink and a thread inside it, and the namespaces' owner.
 */
final class TestPod implements AutoCloseable {
    final TestNamespaces namespaces = new TestNamespaces();
    final NetnsThread nodeThread;
    final ProcessPluginExec exec;
    final CniRuntime cni;
    final NetworkConfigList net;
    final String pod;
    final NetnsThread podThread;
    final NetworkOps podOps;

    TestPod(Path tmp, String subnet) {
        nodeThread = NetnsThread.enter(path(namespaces.create()));
        exec = new ProcessPluginExec(nodeThread);
        cni = new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache"), Duration.ofSeconds(30), exec);
        net = new ConfigParser(new ObjectMapper()).parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}},"
                + "{\"type\":\"tuning\",\"mtu\":1400}]}").getBytes(StandardCharsets.UTF_8), "test");
        pod = namespaces.create();
        podThread = NetnsThread.enter(path(pod));
        podOps = KernelNetworkOps.open(path(pod));
    }

    Path podPath() {
        return path(pod);
    }

    @Override
    public void close() {
        podOps.close();
        podThread.close();
        exec.close();
        nodeThread.close();
        namespaces.close();
    }
}
