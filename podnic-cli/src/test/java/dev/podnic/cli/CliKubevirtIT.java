package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.ledger.Ledger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KubeVirt binding with the real `podnic node` process: podnic-shim installed by `podnic install-cni`,
 * called from the node's namespace as Multus calls it; then the daemon is killed with SIGKILL: restarted
 * while the launcher pod lives, it serves the pod's DHCP again; killed once more, and the pod vanishes
 * without a DEL: the restarted daemon frees everything (the VMI interface's address, the pod's bridge
 * and namespace with the sockets that held it), and while it is down podnic-shim says "try again".
 */
class CliKubevirtIT extends WithNodeAndPod {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Process daemon;

    @Override
    String subnet() {
        return "10.250.14.0/24";
    }

    @AfterEach
    void stopDaemon() throws Exception {
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new Ledger(tmp.resolve("node/ledger")).all())
                    .as("the daemon removes an entry's file just after its DEL answered").isEmpty());
        } finally {
            if (daemon != null && daemon.isAlive()) {
                daemon.destroy();
                daemon.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts `podnic node`, logging to {@code log} (one file per start: a restart's lines are its own). */
    private void startDaemon(Path log, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("node", "--socket", tmp.resolve("node.sock").toString(),
                "--state-dir", tmp.resolve("node").toString(), "--conf-dir", confDir().toString(), "--bin-dir", RealPlugins.DIR,
                "--node-netns", path(node).toString(), "--gc-interval", "3600", "--metrics-address", "127.0.0.1:0"));
        args.addAll(List.of(more));
        daemon = new ProcessBuilder(PodnicProcesses.command(args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PodnicProcesses.awaitLine(log, "binding-socket=" + tmp.resolve("node/binding.sock"), daemon);
    }

    /** podnic-shim as Multus runs it: from the node's namespace, default socket path overridden for the test. */
    private ChildProcess.Result shim(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(tmp.resolve("bin/podnic-shim").toString());
        pb.environment().clear();
        pb.environment().put("CNI_COMMAND", command);
        pb.environment().put("CNI_CONTAINERID", "sandbox-" + pod);
        pb.environment().put("CNI_NETNS", path(pod).toString());
        pb.environment().put("CNI_IFNAME", "net1");
        pb.environment().put("CNI_ARGS", "K8S_POD_NAMESPACE=vms;K8S_POD_NAME=virt-launcher-vm1-abcde;K8S_POD_UID=0a1b2c3d");
        pb.environment().put("PODNIC_BINDING_SOCKET", tmp.resolve("node/binding.sock").toString());
        try (NetnsThread multus = NetnsThread.enter(path(node))) {
            Process p = multus.call(pb::start);
            p.getOutputStream().write(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
                    + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            return ChildProcess.await(p, Duration.ofSeconds(120), "podnic-shim " + command);
        }
    }

    private boolean dnsmasqOfThisTest() {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                .map(c -> c.contains("dnsmasq") && c.contains(tmp.toString())).orElse(false));
    }

    /** The daemon's DHCP server for the vNIC: a UDP socket on port 67 bound to its bridge, in the pod, as ss shows it. */
    private boolean dhcpServed() {
        return TestNamespaces.run(java.util.List.of("ip", "netns", "exec", pod, "ss", "-H", "-u", "-a", "-n")).contains("%pdnbr-vmi1:67");
    }

    private void killDaemon() throws Exception {
        daemon.destroyForcibly(); // kill -9
        daemon.waitFor(20, TimeUnit.SECONDS);
    }

    private void installShim() {
        ChildProcess.Result installed = ChildProcess.run(new ProcessBuilder(PodnicProcesses.command("install-cni",
                tmp.resolve("bin").toString())), Duration.ofSeconds(60));
        assertThat(installed.output()).contains("installed " + tmp.resolve("bin/podnic-shim"));
    }

    /**
     * A DEL answers before the pod's bridge and tap are removed (they go right after, on a thread of
     * the daemon's); a daemon stopped at once with SIGTERM still removes them before it exits.
     */
    @Test
    void aDaemonStoppedRightAfterADelRemovesItsBridgeAndTapBeforeItExits() throws Exception {
        installShim();
        startDaemon(tmp.resolve("daemon.log"));
        ChildProcess.Result add = shim("ADD");
        assertThat(add.exitCode()).as(add.output()).isZero();
        ChildProcess.Result del = shim("DEL");
        assertThat(del.exitCode()).as(del.output()).isZero();
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi1").doesNotContain("pdnbr-")
                .doesNotContain(VmNames.tap("default"));
        assertThat(Files.list(tmp.resolve("node/kubevirt")).toList()).isEmpty();
        assertThat(Files.readString(tmp.resolve("daemon.log"))).doesNotContain("stopping before every DEL");
    }

    /**
     * With the binding's state where the DaemonSet keeps it (--binding-state-dir: a node's /run), made root's alone; the
     * daemon's CNI cache moved there too on a restart (--cache-dir, as after an upgrade), and then lost (as /run is when
     * the node restarts): the attachment is freed all the same, DEL given the ADD's result from the ledger.
     */
    @Test
    void afterSigkillAndAVanishedPodTheRestartedDaemonFreesEverything() throws Exception {
        installShim();
        Path state = tmp.resolve("run/kubevirt");
        Path cache = tmp.resolve("run/cni-cache");
        String[] stateHere = {"--binding-state-dir", state.toString()};
        String[] cacheThereToo = {"--binding-state-dir", state.toString(), "--cache-dir", cache.toString()};
        startDaemon(tmp.resolve("daemon.log"), stateHere);

        ChildProcess.Result add = shim("ADD");
        assertThat(add.exitCode()).as(add.output()).isZero();
        JsonNode result = JSON.readTree(add.output());
        assertThat(result.path("ips").get(0).path("address").asText()).startsWith("10.250.14.");
        assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).contains("vmi1").contains(VmNames.tap("default"));
        assertThat(dhcpServed()).isTrue();
        assertThat(dnsmasqOfThisTest()).as("no process per vNIC").isFalse();
        assertThat(state.resolve("sandbox-" + pod + "-net1/dhcp/pdnbr-vmi1.lease.json")).isRegularFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(tmp.resolve("daemon.log"))) // (written as it answers)
                .contains("msg=\"KubeVirt binding\" what=\"bound vmi1 (network default)")
                .as("the booking tells the plugins from podnic's share")
                .containsPattern("in [0-9.]+ ms \\(plugins [0-9.]+ ms, podnic [0-9.]+ ms = attaching [0-9.]+ \\+ pod work [0-9.]+ "
                        + "\\+ DHCP [0-9.]+ \\+ opening the pod and the rest -?[0-9.]+\\)"));

        killDaemon();
        assertThat(dhcpServed()).as("the servers went with the daemon").isFalse();
        assertThat(tmp.resolve("node/cni-cache")).isDirectory();
        startDaemon(tmp.resolve("resumed.log"), cacheThereToo); // the pod lives: its lease is served again from the lease file
        assertThat(Files.readString(tmp.resolve("resumed.log"))).contains("dhcp-resumed=1")
                .contains("msg=\"removed the CNI cache kept in the state dir before\"");
        assertThat(tmp.resolve("node/cni-cache")).doesNotExist();
        assertThat(dhcpServed()).isTrue();

        killDaemon();
        ChildProcess.Result meanwhile = shim("DEL");
        assertThat(JSON.readTree(meanwhile.output()).path("code").asInt()).as("the daemon is down: try again").isEqualTo(11);

        namespaces.delete(pod); // the pod vanishes without a DEL; only podnic-ra's process or sockets could keep it alive
        dev.podnic.store.DirectoryTree.remove(cache); // (as a node's restart empties /run: no cache anywhere now, only the ledger's entry)
        startDaemon(tmp.resolve("restarted.log"), cacheThereToo); // its start-up GC ran before it served
        String log = Files.readString(tmp.resolve("restarted.log"));
        assertThat(log).contains("freed KubeVirt binding attachment sandbox-" + pod + "-net1: its pod's network namespace is gone")
                .contains("dhcp-resumed=0");
        // (Its VMI interface's address went with it, through the ledger: the checks after each test find none left.)
        assertThat(Files.list(state).toList()).isEmpty();
    }
}
