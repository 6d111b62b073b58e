package dev.podnic.binding.apply;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VNic;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.testing.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline end to end with real parts: a node namespace running Debian's bridge + host-local +
 * tuning plugins, a pod whose eth0 was added by CNI as a kubelet would, a VM with two pod-network
 * vNICs wired by podnic with the dnsmasq backend, and for each vNIC a guest namespace running
 * busybox udhcpc on a veth into the vNIC's bridge.
 */
class VmiBindingIT extends WithRealPod {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: testvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}, "
            + "model: {type: virtio}}, {type: pod-network}]}}}").getBytes(StandardCharsets.UTF_8), "test");

    private final List<GuestNamespace> guests = new ArrayList<>();
    private NetfilterTables tables;

    @Override
    protected String subnet() {
        return "10.250.7.0/24";
    }

    @BeforeEach
    void podsNftables() {
        tables = NetfilterTables.open(podThread);
    }

    @AfterEach
    void closeGuests() {
        guests.forEach(GuestNamespace::close);
        tables.close();
    }

    /** dnsmasq daemons started for this test (their command line names its state directory). */
    private List<ProcessHandle> ourDnsmasqs() {
        String dir = tmp.resolve("dhcp").toString();
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("dnsmasq") && c.contains(dir))
                .orElse(false)).toList();
    }

    private RecordStore records() {
        return new RecordStore(tmp.resolve("records"));
    }

    /** As `podnic vmi up --dhcp dnsmasq` wires it: by the vNIC's MAC, DHCP kept from the cluster side. */
    private BindingEngine binding() throws Exception {
        return binding(new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"), new DhcpIsolation(tables), false));
    }

    private BindingEngine binding(DhcpBackend backend) throws Exception {
        return new BindingEngine(new InProcessAttacher(cni, net, path(pod)), podOps, backend, Domains.NONE, records(), resolvConf(),
                path(pod));
    }

    /**
     * ptp: a routed /24 whose gateway lives on the node's end of each pod's veth, no shared L2.
     * ptp allows one interface per network per namespace, so this pod has one vNIC and no eth0 on
     * the same network; "another pod" is a second pod with its eth0 on ptp.
     */
    @Test
    void aPtpNetworkIsRoutedThroughTheGateway() throws Exception {
        NetworkConfigList ptp = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"ptpnet\","
                + "\"plugins\":[{\"type\":\"ptp\",\"ipMasq\":false,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\""
                + tmp.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":\"10.251.7.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}]}")
                .getBytes(StandardCharsets.UTF_8), "test");
        String other = namespaces.create();
        CniResult otherPod = cni.add(ptp, RuntimeConf.of("kubelet-pod-2", path(other).toString(), "eth0"));
        VmiSpec one = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: ptpvm}\nspec: {domain: {devices: "
                + "{interfaces: [{type: pod-network, mac: {address: '02:00:00:00:07:01'}}]}}}").getBytes(StandardCharsets.UTF_8), "t");
        DhcpBackend dnsmasq = new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"));
        BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, ptp, path(pod)), podOps, dnsmasq, Domains.NONE,
                records(), resolvConf(), path(pod));
        try {
            BoundVNic b = binding.up(one).get(0);
            String assigned = b.cniResult().ips().get(0).address().address().getHostAddress();
            GuestNamespace guest = new GuestNamespace(path(namespaces.create()), podOps, b.plan().bridge(), "pdng9",
                    b.plan().vnic().mac(), Files.createDirectories(tmp.resolve("guestptp")));
            guests.add(guest);
            Map<String, String> lease = guest.lease();
            assertThat(lease).containsEntry("ip", assigned).containsEntry("mask", "32").containsEntry("router", "10.251.7.1")
                    .containsEntry("staticroutes", "169.254.75.1/32 0.0.0.0 10.251.7.1/32 0.0.0.0 10.251.7.0/24 10.251.7.1 "
                            + "0.0.0.0/0 10.251.7.1");
            assertThat(guest.ping("10.251.7.1")).as("the gateway").isTrue();
            assertThat(guest.ping(otherPod.ips().get(0).address().address().getHostAddress())).as("another pod").isTrue();
        } finally {
            binding.down("default", "ptpvm", Optional.empty());
            cni.del(ptp, RuntimeConf.of("kubelet-pod-2", path(other).toString(), "eth0"));
        }
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "ptpnet").allocations()).isEmpty();
    }

    /**
     * The bridge plugin masquerades a pod's traffic (ipMasq) with rules it finds again at DEL by the
     * addresses on the interface; podnic moved them to the guest, so it gives them back before DEL:
     * the node's nat table is as before once the VM is down.
     */
    @Test
    void anIpMasqNetworksRulesGoWithTheVNic() throws Exception {
        NetworkConfigList masq = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"masqnet\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-masq\",\"isGateway\":true,\"ipMasq\":true,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\",\"ranges\":[[{\"subnet\":"
                + "\"10.251.9.0/24\"}]]}}]}").getBytes(StandardCharsets.UTF_8), "test");
        VmiSpec one = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: masqvm}\nspec: {domain: {devices: "
                + "{interfaces: [{type: pod-network, mac: {address: '02:00:00:00:09:01'}}]}}}").getBytes(StandardCharsets.UTF_8), "t");
        BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, masq, path(pod)), podOps,
                new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq")), Domains.NONE, records(), resolvConf(),
                path(pod));
        try {
            binding.up(one);
            assertThat(natRules()).as("the plugin's masquerading, made at ADD").contains("masqnet");
        } finally {
            binding.down("default", "masqvm", Optional.empty());
        }
        assertThat(natRules()).as("and undone at DEL").doesNotContain("masqnet");
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "masqnet").allocations()).isEmpty();
    }

    private String natRules() {
        return TestNamespaces.run(List.of("ip", "netns", "exec", node, "iptables", "-t", "nat", "-S"));
    }

    /** The second vNIC's CNI ADD fails for real: host-local's /30 range has one address, the first vNIC took it. */
    @Test
    void aFailureHalfWayIsUndoneFromTheRecord() throws Exception {
        NetworkConfigList tiny = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"tiny\","
                + "\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni-tiny\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.250.17.0/30\"}]]}}]}").getBytes(StandardCharsets.UTF_8), "test");
        DhcpBackend dnsmasq = new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"));
        BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, tiny, path(pod)), podOps, dnsmasq, Domains.NONE,
                records(), resolvConf(), path(pod));
        assertThatThrownBy(() -> binding.up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageContaining("vNIC nic1 (vmi1): CNI ADD failed").hasMessageContaining("no IP addresses available");
        VmiRecord rec = records().load("default", "testvm").orElseThrow();
        assertThat(rec.nics()).extracting(VNicRecord::step).containsExactly(Step.SERVING, Step.PENDING);
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "tiny").allocations()).hasSize(1);
        assertThat(ourDnsmasqs()).hasSize(1);

        assertThat(binding.down("default", "testvm", Optional.empty())).isEqualTo(new Released.Recorded(2, null));
        assertThat(podOps.links()).extracting(dev.podnic.netlink.Link::name).containsExactly("lo");
        assertThat(ourDnsmasqs()).isEmpty();
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "tiny").allocations()).isEmpty();
    }

    private Path resolvConf() throws Exception {
        return Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\nsearch svc.example.test\n");
    }

    @Test
    void twoVNicsGetExactlyTheirCniConfigurationByDhcpWithDnsmasq() throws Exception {
        CniResult eth0 = cni.add(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        String podIp = eth0.ips().get(0).address().address().getHostAddress();
        BindingEngine binding = binding();
        List<BoundVNic> bound = new ArrayList<>();
        try {
            bound.addAll(binding.up(VMI));
            assertThat(ourDnsmasqs()).hasSize(2);
            assertThat(records().load("default", "testvm").orElseThrow().nics())
                    .allMatch(n -> n.step() == Step.SERVING && n.dhcp() != null);
            for (BoundVNic b : bound) {
                VNic nic = b.plan().vnic();
                String assigned = b.cniResult().ips().get(0).address().toString();
                // The VMI interface holds no address any more, and is a port of the vNIC's bridge.
                assertThat(ip("-n", pod, "-4", "-o", "addr", "show", "dev", nic.vmiInterface())).isBlank();
                assertThat(ip("-n", pod, "-o", "link", "show", "dev", nic.vmiInterface())).contains("master " + b.plan().bridge());

                String ns = namespaces.create();
                GuestNamespace guest = new GuestNamespace(path(ns), podOps, b.plan().bridge(), "pdng" + nic.index(), nic.mac(),
                        Files.createDirectories(tmp.resolve("guest" + nic.index())));
                guests.add(guest);
                Map<String, String> lease = guest.lease();

                assertThat(lease.get("ip") + "/" + lease.get("mask")).isEqualTo(assigned);
                assertThat(lease).containsEntry("router", "10.250.7.1")
                        .containsEntry("mtu", "1400")
                        .containsEntry("dns", "192.0.2.53")
                        .containsEntry("search", "svc.example.test")
                        .containsEntry("hostname", "testvm")
                        .containsEntry("serverid", b.plan().bridgeAddress().address().getHostAddress())
                        .containsEntry("staticroutes", b.plan().bridgeAddress() + " 0.0.0.0 10.250.7.1/32 0.0.0.0 0.0.0.0/0 10.250.7.1");
                assertThat(guest.run(List.of("ip", "-o", "link", "show", "eth0"))).contains("mtu 1400");
                assertThat(guest.ping("10.250.7.1")).as("guest %d reaches the gateway", nic.index()).isTrue();
                assertThat(guest.ping(podIp)).as("guest %d reaches another pod", nic.index()).isTrue();
            }
            assertThat(guests.get(0).ping(bound.get(1).cniResult().ips().get(0).address().address().getHostAddress()))
                    .as("the two vNICs reach each other").isTrue();
            // The pod's own eth0 is untouched and still works.
            assertThat(ip("-n", pod, "-4", "-o", "addr", "show", "dev", "eth0")).contains(eth0.ips().get(0).address().toString());
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "busybox", "ping", "-c", "1", "-W", "2", "-I", "eth0",
                    "10.250.7.1"))).contains("1 packets received");
        } finally {
            // As `podnic vmi down` does: fresh objects, everything from the record.
            assertThat(binding().down("default", "testvm", Optional.empty())).isEqualTo(new Released.Recorded(2, null));
            cni.del(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        }
        assertThat(records().load("default", "testvm")).isEmpty();
        assertThat(binding().down("default", "testvm", Optional.empty())).as("a second down finds nothing to do").isEqualTo(new Released.Nothing());
        for (BoundVNic b : bound) {
            assertThat(podOps.findLink(b.plan().bridge())).isEmpty();
            assertThat(podOps.findLink(b.plan().vmiInterface())).isEmpty();
            assertThat(b.dhcp().ref()).startsWith("pid:");
        }
        assertThat(ourDnsmasqs()).as("dnsmasq processes left").isEmpty();
    }

    /**
     * A DHCP server on the node's bridge (a rogue one, or the cluster's own) answering anyone: the guest's
     * requests never reach it through the VMI interface, so the guest gets exactly its vNIC's lease from
     * podnic's server, and the rogue never hears of it. Down removes the isolation with the vNIC.
     */
    @Test
    void aDhcpServerOnTheClusterSideNeverHearsTheGuest() throws Exception {
        VmiSpec one = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: lonely}\n"
                + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:0b:01'}}]}}}")
                .getBytes(StandardCharsets.UTF_8), "test");
        CniResult eth0 = cni.add(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0")); // makes the node's bridge
        RogueDhcp rogue = rogueDhcpOnTheNode("10.250.7.200,10.250.7.210,255.255.255.0,600");
        BindingEngine binding = binding();
        try {
            BoundVNic b = binding.up(one).get(0);
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "nft", "list", "table", "bridge",
                    DhcpIsolation.table(b.plan().bridge())))).contains("iifname \"vmi0\" udp dport 67-68 drop")
                    .contains("iifname \"vmi0\" udp dport 546-547 drop").contains("oifname \"vmi0\" icmpv6 type 133-134 drop");
            GuestNamespace guest = new GuestNamespace(path(namespaces.create()), podOps, b.plan().bridge(), "pdngr",
                    b.plan().vnic().mac(), Files.createDirectories(tmp.resolve("guest-r")));
            guests.add(guest);
            Map<String, String> lease = guest.lease();
            assertThat(lease.get("ip") + "/" + lease.get("mask")).isEqualTo(b.cniResult().ips().get(0).address().toString());
            assertThat(lease).containsEntry("serverid", b.plan().bridgeAddress().address().getHostAddress());
            assertThat(rogue.heardAnyone()).as("the rogue server heard the guest: " + Files.readString(rogue.log())).isFalse();
        } finally {
            binding.down("default", "lonely", Optional.empty());
            rogue.close();
            cni.del(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        }
        assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "nft", "list", "tables"))).as("isolation removed").isBlank();
        assertThat(eth0.ips()).isNotEmpty();
    }

    /**
     * The vNIC bridge's own stack is the guest's alone: asked from the node's bridge, the pod's vNIC bridge
     * answers neither ARP for its server's address (the same 169.254.75.N in every pod) nor ARP for the pod's
     * own eth0 address, nor an echo to all IPv6 nodes. Before the isolation covered it, each of these was
     * answered: a guest's ARP for its server got an answer from every pod on the node (its renewals then went
     * to whichever pod answered last, and were lost there), and each answer cost a neighbour entry in a
     * kernel table all namespaces share.
     */
    @Test
    void theVNicBridgesOwnStackNeverAnswersTheClusterSide() throws Exception {
        VmiSpec one = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: quiet}\n"
                + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:0c:01'}}]}}}")
                .getBytes(StandardCharsets.UTF_8), "test");
        CniResult eth0 = cni.add(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        BindingEngine binding = binding();
        try {
            BoundVNic b = binding.up(one).get(0);
            String server = b.plan().bridgeAddress().address().getHostAddress();
            assertThat(fromTheNode("busybox", "arping", "-c", "2", "-w", "2", "-I", "cni-podnic", server))
                    .as("ARP for the vNIC's server, from the node").doesNotContain("reply from");
            String podAddress = eth0.ips().get(0).address().address().getHostAddress();
            String eth0Mac = podOps.link("eth0").mac().toString().toUpperCase(java.util.Locale.ROOT);
            List<String> replies = fromTheNode("busybox", "arping", "-c", "2", "-w", "2", "-I", "cni-podnic", podAddress).lines()
                    .filter(l -> l.contains("reply from")).toList();
            assertThat(replies).as("ARP for the pod's eth0 address is answered by eth0 alone").isNotEmpty()
                    .allSatisfy(l -> assertThat(l.toUpperCase(java.util.Locale.ROOT)).contains(eth0Mac));
            String bridgeLinkLocal = podOps.addresses(b.plan().bridge()).stream()
                    .filter(a -> a.address().address() instanceof java.net.Inet6Address && a.address().address().isLinkLocalAddress()).map(a -> a.address().address().getHostAddress().replaceAll("%.*", ""))
                    .findFirst().orElseThrow(() -> new AssertionError("the vNIC bridge has no IPv6 link-local address"));
            assertThat(fromTheNode("busybox", "ping", "-6", "-c", "3", "-w", "2", "-I", "cni-podnic", "ff02::1"))
                    .as("echo to all IPv6 nodes, from the node").doesNotContain(bridgeLinkLocal);
        } finally {
            binding.down("default", "quiet", Optional.empty());
            cni.del(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        }
    }

    private String fromTheNode(String... command) throws Exception {
        return ChildProcess.await(nodeThread.call(new ProcessBuilder(command).redirectErrorStream(true)::start), Duration.ofSeconds(20),
                String.join(" ", command)).output();
    }
}
