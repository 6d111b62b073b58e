package dev.podnic.kubevirt.cni;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.podnic.cni.testing.TestNamespaces.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.UnixServer;
import dev.podnic.node.server.Limits;
import dev.podnic.node.server.NodeServer;
import dev.podnic.node.server.NodeService;
import dev.podnic.shim.CniShim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The KubeVirt binding's host side as Multus meets it, for tests: Debian's plugins for the cluster
 * network in a node namespace, the pod's eth0 added first (Multus's first delegate), the node daemon
 * with its binding socket and DHCP servers, and the real podnic-shim executable called as Multus calls
 * a binding's delegate.
 */
abstract class WithBindingDaemon extends WithRealPod {
    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final String CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
            + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}";

    protected final List<String> log = new CopyOnWriteArrayList<>();
    protected NodeService service;
    protected DhcpServers dhcpServers;
    protected HostBinding binding;
    protected NodeServer server;
    protected Path socket;
    protected Path shim;
    protected String sandbox;

    @BeforeEach
    void daemonAndPodsEth0() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.write(conf.resolve("10-podnet.conflist"), net.bytes());
        service = daemon();
        dhcpServers = new DhcpServers();
        binding = binding(service, dhcpServers);
        socket = tmp.resolve("binding.sock");
        server = new NodeServer(UnixServer.bind(socket, 0600), service, binding, 4).start();
        shim = CniShim.install(tmp.resolve("bin"));
        sandbox = "pdnt" + ProcessHandle.current().pid() + "sandbox" + System.nanoTime();
        cni.add(net, RuntimeConf.of(sandbox, path(pod).toString(), "eth0")); // Multus's first delegate: the cluster network
    }

    protected NodeService daemon() {
        return new NodeService(new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("daemon-cache"), Duration.ofSeconds(30), exec),
                new ConfigDirectory(tmp.resolve("net.d"), new ConfigParser()), "podnet", new Ledger(tmp.resolve("ledger")),
                NodeService.DEFAULT_NETNS_DIR, new Limits(Limits.DEFAULT_MAX_INTERFACES_PER_POD, Set.of("podnet")), log::add);
    }

    protected HostBinding binding(NodeService s, DhcpServers servers) throws Exception {
        return binding(s, servers, BindingStateDirs.at(tmp.resolve("kubevirt")));
    }

    protected HostBinding binding(NodeService s, DhcpServers servers, BindingStateDirs state) throws Exception {
        return new HostBinding(s, state, Path.of("/usr/sbin/dnsmasq"), servers, 107,
                NetnsIdentity.ofProcess(ProcessHandle.current().pid()), id -> tmp.resolve("sandboxes").resolve(id).resolve("resolv.conf"),
                log::add);
    }

    @AfterEach
    void kubeletsEth0Goes() {
        server.close();
        dhcpServers.close();
        cni.del(net, RuntimeConf.of(sandbox, "", "eth0"));
    }

    protected record Run(int exit, JsonNode out) {
    }

    /** podnic-shim as Multus runs a binding's delegate for the pod (CNI_ARGS as the kubelet sets them). */
    protected Run shim(String command, String ifName, String config) throws Exception {
        return shim(command, ifName, config, null);
    }

    protected Run shim(String command, String ifName, String config, NetnsThread from) throws Exception {
        return shim(command, ifName, config, from, Set.of());
    }

    /** @param unset CNI_* variables the runtime leaves out this time */
    protected Run shim(String command, String ifName, String config, NetnsThread from, Set<String> unset) throws Exception {
        return shim(command, sandbox, pod, ifName, config, from, unset);
    }

    /** podnic-shim for the pod with sandbox {@code podSandbox} and namespace {@code podNs}. */
    protected Run shim(String command, String podSandbox, String podNs, String ifName, String config, NetnsThread from,
                       Set<String> unset) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shim.toString());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", podSandbox);
        env.put("CNI_NETNS", path(podNs).toString());
        env.put("CNI_IFNAME", ifName);
        env.put("CNI_ARGS", "IgnoreUnknown=true;K8S_POD_NAMESPACE=vms;K8S_POD_NAME=virt-launcher-vm1-x7k2p;"
                + "K8S_POD_INFRA_CONTAINER_ID=" + podSandbox + ";K8S_POD_UID=6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d");
        env.put("CNI_PATH", "/opt/cni/bin");
        env.put("PODNIC_BINDING_SOCKET", socket.toString());
        env.keySet().removeAll(unset);
        Process p = from == null ? pb.start() : from.call(pb::start);
        p.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ChildProcess.Result r = ChildProcess.await(p, Duration.ofSeconds(120), "podnic-shim " + command);
        if (command.equals("DEL")) { // its bridge and tap go right after it answered: the tests look at all it did
            assertThat(binding.attachments().awaitUnwiring(Duration.ofSeconds(60))).as("a DEL's links removed").isTrue();
        }
        return new Run(r.exitCode(), r.output().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.output()));
    }

    protected String ip(String... args) {
        return TestNamespaces.ip(args);
    }

    /** The daemon's DHCP server for the bridge: a UDP socket on port 67 bound to it, in the pod, as ss shows it. */
    protected boolean dhcpServed(String bridge) {
        return TestNamespaces.run(List.of("ip", "netns", "exec", pod, "ss", "-H", "-u", "-a", "-n")).contains("%" + bridge + ":67");
    }

    /** A daemon (dnsmasq, podnic-ra) that this test's binding started and that still runs. */
    protected boolean running(String program) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                .map(c -> c.contains(program) && c.contains(tmp.resolve("kubevirt").toString())).orElse(false));
    }
}
