package dev.podnic.cni;

import static dev.podnic.cni.testing.NodeRuntime.attach;
import static dev.podnic.cni.testing.NodeRuntime.net;
import static dev.podnic.cni.testing.TestNamespaces.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.testing.NodeRuntime;
import dev.podnic.cni.testing.ProcessEnd;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first plugin of an ADD ({@link CniRuntime#addTimed}) starts at once and has its configuration only once what must
 * come first is done (the node daemon's durable ledger entry): against a real process, a script that notes when it
 * started and what it read, on a node namespace the test made ({@link NodeRuntime}).
 */
class CniRuntimeGateIT {
    @TempDir
    Path tmp;
    private NodeRuntime onNode;
    private Path fakeBin;
    /** The thread a gated ADD runs on while the test holds what must come first. */
    private final ExecutorService caller = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void machine() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
    }

    @BeforeEach
    void node() throws Exception {
        onNode = new NodeRuntime(tmp);
        fakeBin = onNode.fakeBin();
    }

    @AfterEach
    void close() {
        try {
            caller.shutdownNow();
        } finally {
            onNode.close();
        }
    }

    /** A one-plugin network whose plugin notes when it started and what configuration it read (only once it has all of it). */
    private NetworkConfigList gated() throws Exception {
        RealPlugins.script(fakeBin, "gated", "\"1.0.0\"", "dir=\"$(dirname \"$0\")\"\n"
                + "if [ \"$CNI_COMMAND\" = ADD ]; then echo $$ > \"$dir/gated.started\"; conf=\"$(cat)\"; "
                + "echo \"$conf\" > \"$dir/gated.input\"; echo '{\"cniVersion\":\"1.0.0\"}'; exit 0; fi\n"
                + "if [ \"$CNI_COMMAND\" = DEL ]; then echo $$ > \"$dir/gated.deleted\"; fi\ncat >/dev/null\nexit 0");
        return net("{\"cniVersion\":\"1.0.0\",\"name\":\"gatednet\",\"plugins\":[{\"type\":\"gated\"}]}");
    }

    /** An ADD of the gated network under way on {@link #caller}'s thread, its plugin started and waiting for its configuration. */
    private record GatedAdd(NetworkConfigList net, RuntimeConf rt, Future<CniRuntime.Added> adding) {
    }

    private GatedAdd gatedAddStarted(CompletableFuture<Void> before) throws Exception {
        return gatedAddStarted(gated(), before);
    }

    private GatedAdd gatedAddStarted(NetworkConfigList net, CompletableFuture<Void> before) throws Exception {
        RuntimeConf rt = attach(onNode.namespaces().create(), "vmi0");
        Future<CniRuntime.Added> adding = caller.submit(() -> onNode.runtime().addTimed(net, rt, before));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(fakeBin.resolve("gated.started")));
        return new GatedAdd(net, rt, adding);
    }

    @Test
    void theFirstPluginStartsAtOnceButGetsItsConfigurationOnlyOnceWhatMustComeFirstIsDone() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        GatedAdd add = gatedAddStarted(durable);
        assertThat(fakeBin.resolve("gated.input")).as("started, and waiting for its configuration").doesNotExist();
        long released = System.nanoTime();
        durable.complete(null);
        CniRuntime.Added added = add.adding().get(10, TimeUnit.SECONDS);
        long ended = System.nanoTime();
        assertThat(Files.readString(fakeBin.resolve("gated.input"))).contains("\"name\":\"gatednet\"");
        assertThat(added.plugins()).as("the plugin's own time: from when it could have its configuration")
                .isPositive().isLessThanOrEqualTo(Duration.ofNanos(ended - released));
        onNode.runtime().del(add.net(), add.rt());
    }

    /**
     * A configuration larger than a pipe takes at once (PIPE_BUF) is written on a thread of its own: the thread that
     * lets the plugin have it goes on while the plugin has not read it yet (a small one that thread writes itself).
     */
    @Test
    void aConfigurationLargerThanAPipeTakesAtOnceDoesNotHoldTheThreadThatReleasesIt() throws Exception {
        RealPlugins.script(fakeBin, "gated", "\"1.0.0\"", "dir=\"$(dirname \"$0\")\"\n"
                + "if [ \"$CNI_COMMAND\" = ADD ]; then echo $$ > \"$dir/gated.started\"; while [ ! -e \"$dir/gated.go\" ]; do sleep 0.05; done; "
                + "cat > \"$dir/gated.input\"; echo '{\"cniVersion\":\"1.0.0\"}'; exit 0; fi\ncat >/dev/null\nexit 0");
        String pad = "p".repeat(200_000);
        NetworkConfigList large = net("{\"cniVersion\":\"1.0.0\",\"name\":\"gatednet\",\"plugins\":[{\"type\":\"gated\","
                + "\"pad\":\"" + pad + "\"}]}");
        CompletableFuture<Void> durable = new CompletableFuture<>();
        GatedAdd add = gatedAddStarted(large, durable);
        CompletableFuture.runAsync(() -> durable.complete(null)).get(10, TimeUnit.SECONDS); // (the plugin is not reading yet)
        Files.createFile(fakeBin.resolve("gated.go"));
        add.adding().get(10, TimeUnit.SECONDS);
        assertThat(Files.readString(fakeBin.resolve("gated.input"))).contains("\"name\":\"gatednet\"").contains(pad);
        onNode.runtime().del(add.net(), add.rt());
    }

    @Test
    void whenWhatMustComeFirstFailsNoPluginHasItsConfigurationAndTheAddFails() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        GatedAdd add = gatedAddStarted(durable);
        durable.completeExceptionally(new java.io.UncheckedIOException("cannot write ledger entry",
                new java.io.IOException("No space left on device")));
        assertThatThrownBy(() -> add.adding().get(10, TimeUnit.SECONDS)).as("failed as what had to come first failed")
                .hasCauseInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot write ledger entry");
        long plugin = Long.parseLong(Files.readString(fakeBin.resolve("gated.started")).strip());
        assertThat(ProcessEnd.soon(plugin)).as("the plugin was ended").isTrue();
        assertThat(fakeBin.resolve("gated.input")).as("it never had its configuration").doesNotExist();
        assertThat(fakeBin.resolve("gated.deleted")).as("nothing to undo: no DEL").doesNotExist();
    }

    /**
     * The interface name is asked once what must come first is done (a caller may open the sandbox
     * meanwhile): taken by then, no plugin has its configuration, and no DEL runs — it would delete the
     * interface by its name, which is not this attachment's.
     */
    @Test
    void anInterfaceOfTheNameThatAppearsBeforeThePluginHasItsConfigurationFailsTheAddAndStays() throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        GatedAdd add = gatedAddStarted(ready);
        String pod = Path.of(add.rt().netns()).getFileName().toString();
        ip("-n", pod, "link", "add", "vmi0", "type", "bridge");
        ready.complete(null);
        assertThatThrownBy(() -> add.adding().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.error().code()).isEqualTo(CniError.INVALID_ENVIRONMENT))
                .hasMessageContaining("interface vmi0 exists");
        assertThat(fakeBin.resolve("gated.input")).as("no plugin had its configuration").doesNotExist();
        assertThat(fakeBin.resolve("gated.deleted")).as("no DEL").doesNotExist();
        assertThat(TestNamespaces.linkExists(pod, "vmi0")).as("the other interface stays").isTrue();
    }
}
