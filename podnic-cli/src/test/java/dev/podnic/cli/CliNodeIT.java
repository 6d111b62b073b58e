package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `podnic node` as a real daemon process in the node namespace, and `podnic vmi` launchers as
 * processes inside the pod: the whole proxy path, and what happens when the daemon is killed.
 */
class CliNodeIT extends WithNodeAndPod {
    private Process daemon;
    private Path socket;

    @Override
    String subnet() {
        return "10.250.11.0/24";
    }

    @BeforeEach
    void hangPlugin() throws Exception {
        socket = tmp.resolve("node.sock");
        Files.createDirectories(tmp.resolve("bin"));
        RealPlugins.hang(tmp.resolve("bin"));
    }

    @AfterEach
    void stopDaemonAndCheckLedger() throws Exception {
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new Ledger(tmp.resolve("node/ledger")).all())
                    .as("the daemon removes an entry's file just after its DEL answered").isEmpty());
        } finally {
            stopDaemon(false);
        }
    }

    private static List<String> java(String... args) {
        return PodnicProcesses.command(args);
    }

    private void startDaemon() throws Exception {
        daemon = new ProcessBuilder(java("node", "--socket", socket.toString(), "--state-dir", tmp.resolve("node").toString(),
                "--conf-dir", tmp.resolve("net.d").toString(), "--bin-dir", tmp.resolve("bin") + ":" + RealPlugins.DIR,
                "--node-netns", path(node).toString(), "--timeout", "120", "--gc-interval", "3600", "--metrics-address", "127.0.0.1:0"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        PodnicProcesses.awaitLine(tmp.resolve("daemon.log"), "msg=\"serving\" socket=" + socket, daemon);
    }

    private void stopDaemon(boolean kill9) throws Exception {
        if (daemon != null && daemon.isAlive()) {
            if (kill9) {
                daemon.destroyForcibly();
            } else {
                daemon.destroy();
            }
            daemon.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** `podnic ARGS` run as a process inside the pod's namespace, as a launcher would. */
    private String inPod(String... args) throws Exception {
        try (NetnsThread t = NetnsThread.enter(path(pod))) {
            Process p = t.call(new ProcessBuilder(java(args)).redirectErrorStream(true)::start);
            ChildProcess.Result r = ChildProcess.await(p, Duration.ofSeconds(120), List.of(args));
            assertThat(r.exitCode()).as(r.output()).isZero();
            return r.output();
        }
    }

    @Test
    void aLauncherInThePodWiresItsVmThroughTheDaemon() throws Exception {
        startDaemon();
        String state = tmp.resolve("launcher").toString();
        String up = inPod("vmi", "up", "../examples/kubevirt-form-vmi.yaml", "--pod-netns", path(pod).toString(),
                "--proxy", socket.toString(), "--dhcp", "dnsmasq", "--state-dir", state);
        assertThat(up).contains("vmi0 on bridge pdnbr-vmi0").contains("vmi1 on bridge pdnbr-vmi1").contains("10.250.11.");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new Ledger(tmp.resolve("node/ledger")).all()).hasSize(2)
                .as("ADDED: written just after the ADD answered")
                .allMatch(e -> e.state() == LedgerEntry.State.ADDED && e.netns().startsWith("/var/run/netns/")
                        && e.netns().endsWith("/" + pod))); // the runtime's pin the daemon found, not a path the launcher gave
        String ls = ChildProcess.run(new ProcessBuilder(java("node", "ls", "--state-dir", tmp.resolve("node").toString())),
                Duration.ofSeconds(60)).output();
        assertThat(ls).contains("vmi0").contains("ADDED").contains("10.250.11.");

        assertThat(inPod("vmi", "status", "testvm", "--check", "--proxy", socket.toString(), "--state-dir", state))
                .as("the daemon's CHECK of a bound vNIC, and podnic's own checks").contains("    healthy")
                .doesNotContain("UNHEALTHY");

        inPod("vmi", "down", "testvm", "--proxy", socket.toString(), "--state-dir", state);
        assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi0").doesNotContain("pdnbr");
    }

    @Test
    void killedInTheMiddleOfAddTheDaemonCleansUpAfterARestart() throws Exception {
        writeNetwork(",{\"type\":\"hang\"}");
        startDaemon();
        Thread launcher = new Thread(() -> {
            try {
                inPod("vmi", "up", "../examples/seed-vmi.yaml", "--pod-netns", path(pod).toString(), "--proxy", socket.toString(),
                        "--dhcp", "dnsmasq", "--state-dir", tmp.resolve("launcher").toString());
            } catch (Throwable expected) {
                // the daemon dies under it
            }
        });
        launcher.start();
        Path child = tmp.resolve("bin/hang.child");
        await("the hang plugin was reached: bridge ADD is done").atMost(Duration.ofSeconds(30)).until(() -> Files.exists(child));
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations()).hasSize(1);
        assertThat(new Ledger(tmp.resolve("node/ledger")).all()).singleElement()
                .extracting(LedgerEntry::state).isEqualTo(LedgerEntry.State.ADDING);

        stopDaemon(true); // kill -9 in the middle of ADD
        ProcessHandle.of(Long.parseLong(Files.readString(child).strip())).ifPresent(ProcessHandle::destroyForcibly);
        launcher.join(120_000);

        startDaemon(); // start-up GC undoes the interrupted ADD: DEL over the chain frees the IP
        assertThat(Files.readString(tmp.resolve("daemon.log"))).contains("msg=\"start-up GC\" freed=1 ");
        assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi0");
    }
}
