package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For the CLI's integration tests: a node and a pod namespace, and the node's CNI configuration
 * {@code net.d/10-podnet.conflist} (bridge + host-local on {@link #subnet()} with a default route,
 * then {@link #morePlugins()}). After each test no address may be left allocated; then the
 * namespaces go (a subclass's own {@code @AfterEach} runs first).
 */
abstract class WithNodeAndPod {
    @TempDir
    Path tmp;
    TestNamespaces namespaces;
    String node;
    String pod;

    /** The node's pod subnet, distinct per test class. */
    abstract String subnet();

    /** Plugins chained after the bridge, each as ",{...}"; none by default. */
    String morePlugins() {
        return "";
    }

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void nodeAndPod() throws Exception {
        namespaces = new TestNamespaces();
        node = namespaces.create();
        pod = namespaces.create();
        writeNetwork(morePlugins());
    }

    Path confDir() {
        return tmp.resolve("net.d");
    }

    /** (Re)writes the node's network with these plugins after the bridge. */
    void writeNetwork(String morePlugins) throws Exception {
        Files.createDirectories(confDir());
        Files.writeString(confDir().resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"" + subnet() + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}" + morePlugins + "]}");
    }

    @AfterEach
    void nothingLeaks() throws Exception {
        try {
            assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).as("addresses left allocated").isEmpty();
        } finally {
            namespaces.close();
        }
    }
}
