package dev.podnic.kubevirt;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.guest.ConsoleReport;
import dev.podnic.guest.GuestDomain;
import dev.podnic.guest.GuestImage;
import dev.podnic.guest.GuestImageBuilder;
import dev.podnic.kubevirt.cni.BindingStateDirs;
import dev.podnic.kubevirt.cni.HostBinding;
import dev.podnic.kubevirt.testing.MultusDelegate;
import dev.podnic.kubevirt.testing.PodnicSidecar;
import dev.podnic.kubevirt.testing.VirtLauncherHooks;
import dev.podnic.netlink.netns.NetnsThread;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kubevirt.hooks.info.ApiInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * podnic as a KubeVirt network binding plugin, end to end, with KubeVirt's and Multus's sides played
 * by real parts: Debian's libcni runs the pod's networks in KubeVirt's order (the cluster network for
 * eth0, the binding for the pod network, a Multus network, the binding for it) through the real
 * podnic-shim and the node daemon; the sidecar runs in the pod as uid 107; a client generated from
 * KubeVirt's .proto files asks it as virt-launcher does; the domain it returns is started by the
 * pod's libvirtd with the test guest, which must lease exactly each vNIC's address and reach the
 * gateways, another pod, and a pod on another node. Then Multus's DELs, in reverse: nothing may be left.
 */
class KubevirtBindingIT extends WithRealPod {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAC_DEFAULT = "02:00:00:00:0a:01";
    private static final String MAC_SECOND = "02:00:00:00:0a:02";
    private static final String VMI = "{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstance\","
            + "\"metadata\":{\"name\":\"vm1\",\"namespace\":\"vms\",\"uid\":\"9b0e7c55-5a57-4d4e-9d0c-6f1f3f0f3a10\"},"
            + "\"spec\":{\"domain\":{\"devices\":{\"interfaces\":["
            + "{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"},\"macAddress\":\"" + MAC_DEFAULT + "\"},"
            + "{\"name\":\"second\",\"binding\":{\"name\":\"podnic\"},\"macAddress\":\"" + MAC_SECOND + "\"}]}},"
            + "\"networks\":[{\"name\":\"default\",\"pod\":{}},{\"name\":\"second\",\"multus\":{\"networkName\":\"second\"}}]}}";
    private static final String POD_UID = "6f0a2b1c-3d4e-4f50-8a61-7b8c9d0e1f2a";
    private static final String SECOND_INTERFACE = VmNames.kubevirtPodInterface("second");

    private NodeService service;
    private NodeServer server;
    private DhcpServers dhcpServers;
    private HostBinding binding;
    private MultusDelegate multus;
    private Path nad;
    private String sandbox;
    private final List<Path> shared = new ArrayList<>();

    @Override
    protected String subnet() {
        return "10.253.12.0/24";
    }

    @Override
    protected String ipv6Subnet() {
        return "fd00:253:12::/64"; // the pod network is dual stack
    }

    @BeforeEach
    void nodeWithDaemonAndMultus() throws Exception {
        startLibvirtd();
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.write(conf.resolve("10-podnet.conflist"), net.bytes());
        nad = Files.createDirectories(tmp.resolve("nad"));
        Files.write(nad.resolve("cluster.json"), net.bytes()); // Multus's cluster network: the pod's eth0
        Files.writeString(nad.resolve("second.json"), "{\"cniVersion\":\"1.0.0\",\"name\":\"second\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-second\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.253.13.0/24\"}]]}},{\"type\":\"tuning\",\"mtu\":1400}]}");
        Files.writeString(nad.resolve("podnic-binding.json"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\"}");

        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        service = new NodeService(new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("daemon-cache"), Duration.ofSeconds(30), exec),
                new ConfigDirectory(conf, new ConfigParser()), "podnet", new Ledger(tmp.resolve("ledger")),
                NodeService.DEFAULT_NETNS_DIR, new Limits(Limits.DEFAULT_MAX_INTERFACES_PER_POD, Set.of("podnet")), log::add);
        NetnsIdentity node = nodeThread.call(() -> NetnsIdentity.of(Path.of("/proc/thread-self/ns/net")));
        dhcpServers = new DhcpServers();
        binding = new HostBinding(service, BindingStateDirs.at(tmp.resolve("kubevirt")), Path.of("/usr/sbin/dnsmasq"), dhcpServers, 107,
                node, id -> tmp.resolve("sandboxes").resolve(id).resolve("resolv.conf"), log::add);
        Path socket = tmp.resolve("binding.sock");
        server = new NodeServer(UnixServer.bind(socket, 0600), service, binding, 4).start();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        CniShim.install(bin);
        multus = new MultusDelegate(nodeThread, Map.of("CNI_PATH", bin + ":" + RealPlugins.DIR, "CNI_CACHE_DIR",
                tmp.resolve("multus-cache").toString(), "PODNIC_BINDING_SOCKET", socket.toString()));
        MultusDelegate.binary();
        sandbox = "pdnt" + ProcessHandle.current().pid() + "kv" + System.nanoTime();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        dhcpServers.close();
        for (Path p : shared) {
            try (var all = Files.walk(p)) {
                for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private MultusDelegate.Outcome multus(String command, String conf, String ifName, String cniArgs) throws Exception {
        return multus.run(command, nad.resolve(conf), sandbox, path(pod), ifName, "vms", "virt-launcher-vm1-x7k2p", POD_UID, cniArgs);
    }

    private String added(String conf, String ifName, String cniArgs) throws Exception {
        return addedResult(conf, ifName, cniArgs).path("ips").get(0).path("address").asText();
    }

    private JsonNode addedResult(String conf, String ifName, String cniArgs) throws Exception {
        MultusDelegate.Outcome o = multus("add", conf, ifName, cniArgs);
        assertThat(o.exit()).as(conf + " " + ifName + ": " + o.output()).isZero();
        return JSON.readTree(o.output());
    }

    private static String ipv6Of(CniResult r) {
        return dev.podnic.inet.IpLiteral.format(r.ips().stream().filter(i -> !i.isIpv4()).findFirst().orElseThrow().address().address());
    }

    /** A directory uid 107 can use (JUnit's temporary directories are root's alone). */
    private Path sharedDir(String prefix) throws Exception {
        Path d = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        shared.add(d);
        return d;
    }

    /** podnic-sidecar copied where uid 107 may run it (the checkout may be root's alone). */
    private Path sidecarFor107() throws Exception {
        Path copy = sharedDir("pdnt-sidecar").resolve("podnic-sidecar");
        Files.copy(PodnicSidecar.binary(), copy);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy;
    }

    @Test
    void aKubevirtVmGetsItsPodIpsOnBothVnicsAndNothingIsLeftAfterMultussDels() throws Exception {
        GuestImage image = new GuestImageBuilder(Path.of("/var/cache/podnic/guest")).build(System.err::println);
        String other = namespaces.create();
        CniResult otherPod = cni.add(net, RuntimeConf.of("kubelet-other", path(other).toString(), "eth0"));
        String otherIp = otherPod.ips().get(0).address().address().getHostAddress();
        String otherIp6 = ipv6Of(otherPod);
        // A second node with a pod of its own, joined to this one by a link and routes, as any CNI that
        // gives pods routable IPs provides.
        String node2 = namespaces.create();
        TestNamespaces.ip("link", "add", "pdnkv1", "netns", node, "type", "veth", "peer", "name", "pdnkv2", "netns", node2);
        TestNamespaces.ip("-n", node, "addr", "add", "10.243.1.1/30", "dev", "pdnkv1");
        TestNamespaces.ip("-n", node2, "addr", "add", "10.243.1.2/30", "dev", "pdnkv2");
        TestNamespaces.ip("-n", node, "addr", "add", "fd00:243:1::1/64", "dev", "pdnkv1", "nodad");
        TestNamespaces.ip("-n", node2, "addr", "add", "fd00:243:1::2/64", "dev", "pdnkv2", "nodad");
        TestNamespaces.ip("-n", node, "link", "set", "pdnkv1", "up");
        TestNamespaces.ip("-n", node2, "link", "set", "pdnkv2", "up");
        String remotePod = namespaces.create();
        NetworkConfigList net2 = new ConfigParser().parseList(new String(net.bytes(), StandardCharsets.UTF_8)
                .replace("10.253.12.0/24", "10.253.14.0/24").replace("fd00:253:12::/64", "fd00:253:14::/64")
                .replace(tmp.resolve("ipam").toString(), tmp.resolve("ipam-node2").toString())
                .getBytes(StandardCharsets.UTF_8), "node2");
        NetnsThread node2Thread = NetnsThread.enter(path(node2));
        ProcessPluginExec node2Exec = new ProcessPluginExec(node2Thread);
        CniRuntime cni2 = new CniRuntime(List.of(Path.of(RealPlugins.DIR)), tmp.resolve("cache-node2"), Duration.ofSeconds(30), node2Exec);
        CniResult remote = cni2.add(net2, RuntimeConf.of("kubelet-remote", path(remotePod).toString(), "eth0"));
        String remoteIp = remote.ips().get(0).address().address().getHostAddress();
        String remoteIp6 = ipv6Of(remote);
        TestNamespaces.ip("-n", node, "route", "add", "10.253.14.0/24", "via", "10.243.1.2");
        TestNamespaces.ip("-n", node2, "route", "add", "10.253.12.0/24", "via", "10.243.1.1");
        TestNamespaces.ip("-n", node, "-6", "route", "add", "fd00:253:14::/64", "via", "fd00:243:1::2");
        TestNamespaces.ip("-n", node2, "-6", "route", "add", "fd00:253:12::/64", "via", "fd00:243:1::1");
        Process sidecar = null;
        try {
            // The pod as Multus creates it from KubeVirt's network selection elements, in their order.
            String eth0 = added("cluster.json", "eth0", null);
            String eth0Routes4 = TestNamespaces.ip("-n", pod, "-4", "route", "show", "dev", "eth0");
            String eth0Routes6 = TestNamespaces.ip("-n", pod, "-6", "route", "show", "dev", "eth0");
            JsonNode vmDefaultResult = addedResult("podnic-binding.json", "net1", "{\"logicNetworkName\":\"default\"}");
            // The delegate chain put routes of both families on vmi1 (IPv6 merged ::/0 into eth0's default route): the
            // guest's share left the pod's table, and eth0's routes are byte for byte what they were.
            assertThat(TestNamespaces.ip("-n", pod, "-4", "route", "show", "dev", "eth0")).isEqualTo(eth0Routes4).isNotBlank();
            assertThat(TestNamespaces.ip("-n", pod, "-6", "route", "show", "dev", "eth0")).isEqualTo(eth0Routes6).contains("default");
            assertThat(TestNamespaces.ip("-n", pod, "-6", "route", "show")).doesNotContain("nexthop");
            String vmDefault = vmDefaultResult.path("ips").get(0).path("address").asText();
            String vmDefault6 = vmDefaultResult.path("ips").get(1).path("address").asText();
            String multusSecond = added("second.json", SECOND_INTERFACE, null);
            String vmSecond = added("podnic-binding.json", "net3", "{\"logicNetworkName\":\"second\"}");
            assertThat(vmDefault).isNotEqualTo(eth0).startsWith("10.253.12.");
            assertThat(vmSecond).isEqualTo(multusSecond).startsWith("10.253.13.");

            // The sidecar, unprivileged in the pod; virt-launcher collects it and asks through KubeVirt's own .proto.
            Path hooks = sharedDir("pdnt-hooks");
            sidecar = podThread.call(new ProcessBuilder("setpriv", "--reuid=107", "--regid=107", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", sidecarFor107().toString(), "--socket-dir", hooks.toString())
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)::start);
            Process started = sidecar;
            String domainXml;
            Path console = tmp.resolve("console.log");
            try (VirtLauncherHooks launcher = VirtLauncherHooks.collect(hooks.resolve("podnic.sock"), Duration.ofSeconds(60),
                    started::isAlive)) {
                ApiInfo.InfoResult info = launcher.info();
                assertThat(info.getName()).isEqualTo("podnic");
                assertThat(info.getVersionsList()).contains("v1alpha3");
                String launcherDomain = GuestDomain.xml("pdnt-kv-" + ProcessHandle.current().pid(), image, List.of(),
                        List.of("10.253.12.1", "10.253.13.1", otherIp, remoteIp, "fd00:253:12::1", otherIp6, remoteIp6), 0, console,
                        GuestDomain.kvmUsable(), true);
                domainXml = new String(launcher.onDefineDomain(launcherDomain.getBytes(StandardCharsets.UTF_8),
                        VMI.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
                assertThat(domainXml).contains("ua-default").contains("ua-second").contains(VmNames.tap("default"))
                        .contains(VmNames.tap("second"));

                ConsoleReport report;
                try (GuestDomain vm = GuestDomain.boot(libvirtd.uri(), domainXml, console)) {
                    report = vm.await(Duration.ofSeconds(180));
                }
                assertThat(report.done()).as(Files.exists(console) ? Files.readString(console) : "no console").isTrue();
                Map<String, String> first = report.leasesByMac().get(MAC_DEFAULT);
                Map<String, String> second = report.leasesByMac().get(MAC_SECOND);
                assertThat(first).as("lease on the pod network").isNotNull();
                assertThat(second).as("lease on the Multus network").isNotNull();
                assertThat(first.get("ip") + "/24").isEqualTo(vmDefault);
                assertThat(first).containsEntry("router", "10.253.12.1").containsEntry("mtu", "1400");
                assertThat(second.get("ip") + "/24").isEqualTo(vmSecond);
                assertThat(report.pings()).containsEntry("10.253.12.1", true).containsEntry("10.253.13.1", true)
                        .containsEntry(otherIp, true).as("a pod on another node").containsEntry(remoteIp, true);
                // IPv6 on the pod network: its address, the node's bridge as router, the gateway, a pod here and one on node2.
                String gatewayLinkLocal = TestNamespaces.ip("-n", node, "-6", "-o", "addr", "show", "dev", "cni-podnic", "scope", "link")
                        .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1").strip();
                assertThat(report.ipv6ByMac().get(MAC_DEFAULT)).as("IPv6 on the pod network")
                        .containsEntry("ip6", vmDefault6.substring(0, vmDefault6.indexOf('/')) + "/128")
                        .containsEntry("router6", gatewayLinkLocal);
                assertThat(report.pings()).containsEntry("fd00:253:12::1", true).containsEntry(otherIp6, true)
                        .as("a pod on another node, over IPv6").containsEntry(remoteIp6, true);
                System.err.println("guest lease times (s): IPv4 " + report.leaseSecondsByIf() + ", IPv6 " + report.ipv6SecondsByIf());

                launcher.shutdown();
                assertThat(sidecar.waitFor(60, TimeUnit.SECONDS)).as("the sidecar exits after Shutdown").isTrue();
            }

            // The pod goes: Multus deletes its delegates in reverse order.
            for (String[] d : List.of(new String[] {"podnic-binding.json", "net3", "{\"logicNetworkName\":\"second\"}"},
                    new String[] {"second.json", SECOND_INTERFACE, null},
                    new String[] {"podnic-binding.json", "net1", "{\"logicNetworkName\":\"default\"}"},
                    new String[] {"cluster.json", "eth0", null})) {
                MultusDelegate.Outcome del = multus("del", d[0], d[1], d[2]);
                assertThat(del.exit()).as("DEL " + d[1] + ": " + del.output()).isZero();
            }
            assertThat(binding.attachments().awaitUnwiring(Duration.ofSeconds(60))).as("the DELs' bridges and taps removed").isTrue();
            assertThat(TestNamespaces.ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi").doesNotContain("pdnbr-")
                    .doesNotContain("pdntap").doesNotContain(SECOND_INTERFACE).doesNotContain("eth0");
            assertThat(ProcessHandle.allProcesses().anyMatch(h -> h.info().commandLine()
                    .map(c -> c.contains("dnsmasq") && c.contains(tmp.toString())).orElse(false))).isFalse();
            assertThat(dhcpServers.size()).as("DHCP servers left").isZero();
            assertThat(service.attachments()).isEmpty();
            assertThat(Files.list(tmp.resolve("kubevirt")).toList()).isEmpty();
            assertThat(new HostLocalStore(tmp.resolve("ipam"), "second").allocations()).isEmpty();
        } finally {
            if (sidecar != null) {
                sidecar.destroyForcibly();
            }
            cni.del(net, RuntimeConf.of("kubelet-other", path(other).toString(), "eth0"));
            cni2.del(net2, RuntimeConf.of("kubelet-remote", path(remotePod).toString(), "eth0"));
            node2Exec.close();
            node2Thread.close();
        }
        assertThat(new HostLocalStore(tmp.resolve("ipam-node2"), "podnet").allocations()).as("node 2").isEmpty();
    }
}
