package dev.podnic.kubevirt.cni;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.peer.UnixServer;
import dev.podnic.node.server.NodeServer;
import dev.podnic.node.server.NodeService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The KubeVirt binding's host side with everything real but Multus and QEMU: Debian's plugins for
 * the cluster network in a node namespace, the real podnic-shim executable called as Multus calls a
 * binding's delegate (after the pod's eth0), the daemon's binding socket, its DHCP servers and nftables
 * in the pod; a guest namespace plugged into the vNIC's bridge stands in for QEMU on the tap.
 */
class HostBindingIT extends WithBindingDaemon {
    @Override
    protected String subnet() {
        return "10.253.9.0/24";
    }

    @Override
    protected String ipv6Subnet() {
        return "fd00:253:9::/64"; // dual stack: every call here serves both families
    }

    @Test
    void aVmNicGetsItsOwnPodIpByDhcpBehindIsolationAndDelLeavesNothing() throws Exception {
        String eth0 = ip("-n", pod, "-o", "-4", "addr", "show", "dev", "eth0");
        String eth0v6 = ip("-n", pod, "-o", "-6", "addr", "show", "dev", "eth0", "scope", "global");
        String routes4 = ip("-n", pod, "-4", "route", "show");
        String routes6 = ip("-n", pod, "-6", "route", "show");
        Run add = shim("ADD", "net1", CONFIG);
        assertThat(add.exit()).as(add.out().toString()).isZero();
        String vmIp = add.out().path("ips").get(0).path("address").asText();
        assertThat(vmIp).startsWith("10.253.9.");
        assertThat(eth0).as("the pod's own eth0 is left alone").doesNotContain(vmIp.substring(0, vmIp.indexOf('/')) + "/");
        assertThat(ip("-n", pod, "-o", "-4", "addr", "show", "dev", "eth0")).isEqualTo(eth0);
        assertThat(ip("-n", pod, "-o", "-6", "addr", "show", "dev", "eth0", "scope", "global")).isEqualTo(eth0v6).contains("fd00:253:9::");
        assertThat(ip("-n", pod, "-6", "route", "show", "default")).as("the pod's own IPv6 route").contains("dev eth0");
        // The plugins put ::/0 on vmi1 too, which the kernel merged into eth0's default route as a second next hop:
        // the guest's share leaves the pod's table: eth0's routes are what they were, and nothing routes through vmi1
        // (only the kernel's link-local prefixes of vmi1 and the bridge are new).
        assertThat(ip("-n", pod, "-4", "route", "show")).isEqualTo(routes4);
        String after6 = ip("-n", pod, "-6", "route", "show");
        assertThat(after6).doesNotContain("nexthop");
        assertThat(after6.lines().filter(l -> l.contains("dev eth0")).toList()).isEqualTo(routes6.lines().filter(l -> l.contains("dev eth0"))
                .toList()).isNotEmpty();
        assertThat(after6.lines().filter(l -> !routes6.contains(l)).toList()).allMatch(l -> l.startsWith("fe80::/64 dev ")
                && l.contains(" proto kernel "));

        // The pod as the sidecar will find it: vmi1 without its address, bridged with a tap QEMU (uid 107) may use.
        String tap = VmNames.tap("default");
        assertThat(ip("-n", pod, "-o", "-4", "addr", "show", "dev", "vmi1")).isBlank();
        assertThat(ip("-n", pod, "-d", "link", "show", "dev", tap)).contains("tun type tap").contains("user 107")
                .contains("master pdnbr-vmi1");
        assertThat(ip("-n", pod, "-o", "link", "show", "dev", "vmi1")).contains("master pdnbr-vmi1");
        assertThat(dhcpServed("pdnbr-vmi1")).isTrue();
        assertThat(running("dnsmasq")).as("no process per vNIC for IPv4").isFalse();

        // A guest with a MAC nobody told the daemon gets exactly the vNIC's address and reaches the gateway.
        String guestNs = namespaces.create();
        try (GuestNamespace guest = new GuestNamespace(path(guestNs), podOps, "pdnbr-vmi1", "pdnguest1",
                MacAddress.parse("02:11:22:33:44:55"), Files.createDirectories(tmp.resolve("guest")))) {
            Map<String, String> lease = guest.lease();
            assertThat(lease.get("ip") + "/24").isEqualTo(vmIp);
            assertThat(lease.get("router")).isEqualTo("10.253.9.1");
            assertThat(guest.ping("10.253.9.1")).isTrue();
            // And its IPv6 address, with the node's bridge as its router (advertised in the bridge's name).
            String vmIp6 = add.out().path("ips").get(1).path("address").asText();
            assertThat(vmIp6).startsWith("fd00:253:9::");
            assertThat(guest.lease6(GuestNamespace.Dhcpv6Client.DHCLIENT)).contains("new_ip6_address=" + vmIp6.substring(0, vmIp6.indexOf('/')));
            String gatewayLinkLocal = ip("-n", node, "-6", "-o", "addr", "show", "dev", "cni-podnic", "scope", "link")
                    .replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1").strip();
            guest.awaitDefaultRoute6(gatewayLinkLocal);
            assertThat(guest.ping("fd00:253:9::1")).isTrue();
        }
        namespaces.delete(guestNs); // the VM goes: its addresses with it
        // Another guest, another client: dhcpcd (advertisements and DHCPv6 in user space) gets the same.
        try (GuestNamespace guest = new GuestNamespace(path(namespaces.create()), podOps, "pdnbr-vmi1", "pdnguest2",
                MacAddress.parse("02:11:22:33:44:56"), Files.createDirectories(tmp.resolve("guest2")))) {
            String vmIp6 = add.out().path("ips").get(1).path("address").asText();
            assertThat(guest.lease6(GuestNamespace.Dhcpv6Client.DHCPCD)).contains(vmIp6.substring(0, vmIp6.indexOf('/')));
        }

        // A bystander pod on the node's bridge asking for an address hears nothing from the vNIC's server.
        String bystander = namespaces.create();
        cni.add(net, RuntimeConf.of("bystander", path(bystander).toString(), "eth0"));
        try (NetnsThread b = NetnsThread.enter(path(bystander))) {
            ChildProcess.Result asked = ChildProcess.await(b.call(new ProcessBuilder("busybox", "udhcpc", "-f", "-q", "-n", "-t", "3",
                    "-T", "1", "-i", "eth0", "-s", "/bin/true").redirectErrorStream(true)::start), Duration.ofSeconds(30), "udhcpc");
            assertThat(asked.ok()).as(asked.output()).isFalse();
            assertThat(asked.output()).doesNotContain("lease of");
            assertThat(ip("-n", bystander, "-6", "route")).as("no advertisement reached the bystander").doesNotContain("proto ra");
        } finally {
            cni.del(net, RuntimeConf.of("bystander", path(bystander).toString(), "eth0"));
        }
        // Every send succeeded, the first advertisement too: it leaves as the server starts, from the bridge's link-local
        // address, which the bridge has only while it has carrier (a tap no one attached to would take it away).
        try (var logs = Files.walk(tmp.resolve("kubevirt"))) {
            for (Path f : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("could not send");
            }
        }

        Run del = shim("DEL", "net1", CONFIG);
        assertThat(del.exit()).as(del.out().toString()).isZero();
        assertThat(shim("DEL", "net1", CONFIG).exit()).as("DEL again").isZero();
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi1").doesNotContain("pdnbr-").doesNotContain(tap);
        assertThat(dhcpServed("pdnbr-vmi1")).isFalse();
        assertThat(dhcpServers.size()).isZero();
        assertThat(running("podnic-ra")).isFalse();
        try (NetnsThread p = NetnsThread.enter(path(pod))) {
            assertThat(ChildProcess.await(p.call(new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true)::start),
                    Duration.ofSeconds(10), "nft").output()).isBlank();
        }
        assertThat(service.attachments()).isEmpty();
        assertThat(Files.list(tmp.resolve("kubevirt")).toList()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2); // the pod's eth0 (IPv4 and IPv6), the kubelet's to free
    }

    @Test
    void aPodThatVanishesWithoutDelIsFreedAfterTheDaemonRestarts() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(dhcpServed("pdnbr-vmi1")).isTrue();
        server.close(); // the daemon dies (its state stays on disk, its servers go with it)…
        dhcpServers.close();
        namespaces.delete(pod); // …and the pod goes without a DEL
        NodeService restarted = daemon();
        dhcpServers = new DhcpServers();
        HostBinding again = binding(restarted, dhcpServers);
        Housekeeping.StartUp startUp = new Housekeeping(restarted, again.attachments()).startUp(); // as the daemon starts
        assertThat(startUp.freedAttachments()).singleElement().asString().startsWith(sandbox + "-net1");
        assertThat(startUp.gc().failures()).isEmpty();
        assertThat(startUp.resumed()).as("nothing to serve again").isZero();
        assertThat(restarted.attachments()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2); // the pod's eth0 only (IPv4 and IPv6)
        assertThat(log).anyMatch(l -> l.contains("its pod's network namespace is gone"));
        server = new NodeServer(UnixServer.bind(socket, 0600), restarted, again, 2).start(); // for @AfterEach
    }

    /**
     * The daemon restarts while the pod lives (an upgrade, a crash): its servers went with it; the new
     * one serves the recorded leases again as it starts, and the guest's renewal — unicast to the
     * server it knows, at half its lease — is answered with the same address, by DHCPv6 too.
     */
    @Test
    void aRestartedDaemonServesTheLivingPodsGuestsAgain() throws Exception {
        Run add = shim("ADD", "net1", CONFIG);
        assertThat(add.exit()).as(add.out().toString()).isZero();
        String vmIp = add.out().path("ips").get(0).path("address").asText();
        String vmIp6 = add.out().path("ips").get(1).path("address").asText();
        String guestNs = namespaces.create();
        try (GuestNamespace guest = new GuestNamespace(path(guestNs), podOps, "pdnbr-vmi1", "pdnguest1",
                MacAddress.parse("02:11:22:33:44:77"), Files.createDirectories(tmp.resolve("guest")))) {
            assertThat(guest.lease().get("ip") + "/24").isEqualTo(vmIp);
            server.close();
            dhcpServers.close();
            assertThat(dhcpServed("pdnbr-vmi1")).isFalse();

            service = daemon();
            dhcpServers = new DhcpServers();
            binding = binding(service, dhcpServers);
            assertThat(new Housekeeping(service, binding.attachments()).startUp().resumed()).isEqualTo(1);
            server = new NodeServer(UnixServer.bind(socket, 0600), service, binding, 4).start();
            assertThat(dhcpServed("pdnbr-vmi1")).isTrue();
            assertThat(guest.renew().get("ip") + "/24").isEqualTo(vmIp);
            assertThat(guest.lease6(GuestNamespace.Dhcpv6Client.DHCLIENT)).contains("new_ip6_address=" + vmIp6.substring(0, vmIp6.indexOf('/')));
            assertThat(Files.readString(tmp.resolve("kubevirt").resolve(sandbox + "-net1").resolve("dhcp/pdnbr-vmi1.log")))
                    .contains("(renewing)");
        }
        assertThat(shim("DEL", "net1", CONFIG).exit()).isZero();
        assertThat(dhcpServers.size()).isZero();
        assertThat(service.attachments()).isEmpty();
    }

    /**
     * The operator moves the binding's state (to a tmpfs: --binding-state-dir) and the daemon restarts under running
     * VMs: what was attached before is served again and freed from where it was made; what is attached after is kept
     * in the new place.
     */
    @Test
    void aDaemonWhoseBindingStateMovedServesAndFreesWhatWasMadeBeforeWhereItWas() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        Path before = tmp.resolve("kubevirt");
        Path moved = tmp.resolve("run").resolve("kubevirt");
        server.close();
        dhcpServers.close();
        assertThat(dhcpServed("pdnbr-vmi1")).isFalse();

        service = daemon();
        dhcpServers = new DhcpServers();
        binding = binding(service, dhcpServers, new BindingStateDirs(moved, before));
        assertThat(new Housekeeping(service, binding.attachments()).startUp().resumed()).as("served again from before").isEqualTo(1);
        server = new NodeServer(UnixServer.bind(socket, 0600), service, binding, 4).start();
        assertThat(dhcpServed("pdnbr-vmi1")).isTrue();

        String second = CONFIG.replace("\"default\"", "\"second\"");
        Run add = shim("ADD", "net2", second);
        assertThat(add.exit()).as(add.out().toString()).isZero();
        assertThat(moved.resolve(sandbox + "-net2")).isDirectory();
        assertThat(before.resolve(sandbox + "-net2")).doesNotExist();

        assertThat(shim("DEL", "net1", CONFIG).exit()).isZero();
        assertThat(before.resolve(sandbox + "-net1")).doesNotExist();
        assertThat(dhcpServed("pdnbr-vmi1")).isFalse();
        assertThat(shim("DEL", "net2", second).exit()).isZero();
        assertThat(moved.resolve(sandbox + "-net2")).doesNotExist();
        assertThat(dhcpServers.size()).isZero();
        assertThat(service.attachments()).isEmpty();
    }

    /**
     * The pod vanishes without a DEL while the daemon runs: its periodic GC closes the DHCP and router
     * advertisement sockets — all that kept the pod's namespace alive — so the namespace goes, and with it the
     * veths whose node ends are on the node's bridge; the VMI interface's addresses are freed.
     */
    @Test
    void aPodThatVanishesWhileTheDaemonRunsIsFreedByItsGc() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(nodeVeths()).as("the pod's eth0 and vmi1").hasSize(2);
        podOps.close(); // the test's own hold on the pod's namespace (closed again after the test: idempotent)
        podThread.close();
        namespaces.delete(pod);
        assertThat(nodeVeths()).as("the namespace is held by the daemon's DHCP and advertisement sockets").hasSize(2);
        assertThat(binding.attachments().collectGarbage()).singleElement().asString().startsWith(sandbox + "-net1");
        GuestNamespace.await("the pod's namespace is gone with its veths", () -> nodeVeths().isEmpty());
        assertThat(dhcpServers.size()).isZero();
        assertThat(service.attachments()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2); // the pod's eth0 only (IPv4 and IPv6), the kubelet's to free
    }

    /**
     * A DEL answers before the pod's bridge and tap are removed (they serve nothing by then), and a
     * daemon killed in between finds them recorded and removes them as it starts: the DEL here goes
     * to a daemon whose removals never run, as if it was killed right after answering.
     */
    @Test
    void aDaemonKilledAfterADelAnsweredRemovesItsBridgeAndTapAsItStarts() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        String tap = VmNames.tap("default");
        HostBinding killed = new HostBinding(service, new HostAttachments(service, BindingStateDirs.at(tmp.resolve("kubevirt")),
                java.nio.file.Path.of("/usr/sbin/dnsmasq"), dhcpServers, 107, log::add, removal -> { }),
                dev.podnic.node.peer.NetnsIdentity.ofProcess(ProcessHandle.current().pid()),
                id -> tmp.resolve("sandboxes").resolve(id).resolve("resolv.conf"), log::add);
        java.nio.file.Path ours = socket;
        socket = tmp.resolve("killed.sock");
        try (NodeServer killedServer = new NodeServer(UnixServer.bind(socket, 0600), service, killed, 4).start()) {
            Run del = shim("DEL", "net1", CONFIG);
            assertThat(del.exit()).as(del.out().toString()).isZero();
        } finally {
            socket = ours;
        }
        assertThat(ip("-n", pod, "-o", "link", "show")).as("answered: the VMI interface is gone, its address freed")
                .doesNotContainPattern("\\d+: vmi1[@:]").contains("pdnbr-vmi1").contains(tap);
        assertThat(service.attachments()).isEmpty();
        assertThat(dhcpServed("pdnbr-vmi1")).isFalse();
        assertThat(tmp.resolve("kubevirt").resolve(sandbox + "-net1").resolve("links-left.json")).exists();

        HostBinding restarted = binding(service, dhcpServers);
        new Housekeeping(service, restarted.attachments()).startUp(); // as the daemon starts
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("pdnbr-").doesNotContain(tap);
        assertThat(Files.list(tmp.resolve("kubevirt")).toList()).isEmpty();
    }

    /**
     * A DEL finds its attachment by what the spec guarantees — container ID and interface name — and
     * frees all of it without CNI_ARGS (and without CNI_NETNS or the network's name): VMI interface,
     * bridge, tap, DHCP and advertisement sockets, ledger entry and addresses.
     */
    /**
     * The guest's DNS when CNI's result names none and the pod's resolv.conf is not where the daemon
     * looks (here: nowhere): the configuration's {@code dns}, else none — and then no file is written.
     */
    @Test
    void withoutThePodsResolvConfTheGuestsDnsIsTheConfigurations() throws Exception {
        Path dir = binding.attachments().dir(sandbox + "-net1");
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(AttachmentDirs.record(dir).orElseThrow().nics().get(0).dns()).isEmpty();
        assertThat(dir.resolve("resolv.conf")).doesNotExist();
        assertThat(shim("DEL", "net1", CONFIG).exit()).isZero();

        String withDns = CONFIG.substring(0, CONFIG.length() - 1)
                + ",\"dns\":{\"nameservers\":[\"192.0.2.53\"],\"search\":[\"vms.svc.cluster.local\"]}}";
        Run add = shim("ADD", "net1", withDns);
        assertThat(add.exit()).as(add.out().toString()).isZero();
        assertThat(AttachmentDirs.record(dir).orElseThrow().nics().get(0).dns()).containsExactly("192.0.2.53");
        assertThat(dir.resolve("resolv.conf")).content().isEqualTo("nameserver 192.0.2.53\nsearch vms.svc.cluster.local\n");
        assertThat(shim("DEL", "net1", withDns).exit()).isZero();
    }

    @Test
    void aDelWithoutCniArgsFreesEverything() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(advertised("pdnbr-vmi1")).isTrue();
        Run del = shim("DEL", "net1", "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\"}", null,
                Set.of("CNI_ARGS", "CNI_NETNS"));
        assertThat(del.exit()).as(del.out().toString()).isZero();
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi1").doesNotContain("pdnbr-").doesNotContain(VmNames.tap("default"));
        assertThat(dhcpServers.size()).isZero();
        assertThat(advertised("pdnbr-vmi1")).isFalse();
        assertThat(service.attachments()).isEmpty();
        assertThat(Files.list(tmp.resolve("kubevirt")).toList()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2); // the pod's eth0 only (IPv4 and IPv6)
        assertThat(shim("DEL", "net1", CONFIG).exit()).as("a correct DEL afterwards: nothing left, still success").isZero();
    }

    /**
     * No process and no thread per vNIC: a dual-stack vNIC's DHCPv4, DHCPv6 and router advertisements
     * are sockets in the pod served by the daemon's one loop, however many vNICs there are.
     */
    @Test
    void aVNicCostsSocketsNotProcessesOrThreads() throws Exception {
        long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("podnic-dhcp")).count();
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(dhcpServed("pdnbr-vmi1")).isTrue();
        assertThat(advertised("pdnbr-vmi1")).isTrue();
        assertThat(running("podnic-ra")).as("no router advertiser process").isFalse();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("podnic-dhcp")).count())
                .as("the DHCP loop's one thread, already there").isEqualTo(threads).isEqualTo(1);
        assertThat(shim("DEL", "net1", CONFIG).exit()).isZero();
        assertThat(advertised("pdnbr-vmi1")).isFalse();
    }

    /**
     * The daemon's router advertiser: a raw ICMPv6 socket in the pod, as ss shows it (without the bridge it is
     * bound to; the test's pod has one bridge, and nothing else opens such a socket there).
     */
    private boolean advertised(String bridge) {
        return TestNamespaces.run(List.of("ip", "netns", "exec", pod, "ss", "-H", "-w", "-a", "-n")).contains(":58 ");
    }

    /** The node ends of veths, as ip lists them. */
    private List<String> nodeVeths() {
        return ip("-n", node, "-o", "link", "show", "type", "veth").lines().toList();
    }

    @Test
    void badCallsAreRefusedWithTheSpecsCodesAndChangeNothing() throws Exception {
        Run noNetwork = shim("ADD", "net1", CONFIG.replace(",\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}", ""));
        assertThat(noNetwork.out().path("code").asInt()).isEqualTo(7);
        assertThat(noNetwork.out().path("msg").asText()).contains("logicNetworkName is missing");
        Run eth0 = shim("ADD", "eth0", CONFIG);
        assertThat(eth0.out().path("code").asInt()).isEqualTo(4);
        assertThat(eth0.out().path("msg").asText()).contains("net1 … net999");
        Run other = shim("ADD", "net2", CONFIG.replace("\"type\"", "\"network\":\"elsewhere\",\"type\""));
        assertThat(other.out().path("code").asInt()).as(other.out().toString()).isEqualTo(150);
        assertThat(other.out().path("msg").asText()).contains("network \"elsewhere\" is not one launchers may use");
        Run garbage = shim("ADD", "net1", "{not json");
        assertThat(garbage.out().path("code").asInt()).isEqualTo(6);
        try (NetnsThread inPod = NetnsThread.enter(path(pod))) {
            Run fromPod = shim("ADD", "net1", CONFIG, inPod);
            assertThat(fromPod.out().path("code").asInt()).isEqualTo(150);
            assertThat(fromPod.out().path("msg").asText()).contains("node's network namespace");
        }
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("vmi").doesNotContain("pdnbr-");
        assertThat(service.attachments()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2);

        Run version = shim("VERSION", "net1", CONFIG);
        assertThat(version.exit()).isZero();
        assertThat(version.out().path("supportedVersions").toString()).contains("1.0.0").contains("0.4.0");
        assertThat(shim("STATUS", "net1", CONFIG).exit()).isZero();
        Run unavailable = shim("STATUS", "net1", CONFIG.replace("\"type\"", "\"network\":\"elsewhere\",\"type\""));
        assertThat(unavailable.out().path("code").asInt()).as(unavailable.out().toString()).isEqualTo(50);
        assertThat(unavailable.out().path("msg").asText()).contains("network \"elsewhere\" is not one this node allows");
    }

    @Test
    void checkReportsTheBindingsHealthAndGcFreesWhatTheRuntimeNoLongerLists() throws Exception {
        assertThat(shim("ADD", "net1", CONFIG).exit()).isZero();
        assertThat(shim("CHECK", "net1", CONFIG).exit()).isZero();
        podOps.deleteLink(VmNames.tap("default")); // not podnic's doing: CHECK must not pass
        Run broken = shim("CHECK", "net1", CONFIG);
        assertThat(broken.exit()).isEqualTo(1);
        // The runtime lists no valid attachment of ours any more (the pod is being torn down, say).
        Run gc = shim("GC", "net1", CONFIG.replace("\"args\"", "\"cni.dev/valid-attachments\":[],\"args\""));
        assertThat(gc.exit()).as(gc.out().toString()).isZero();
        assertThat(dhcpServers.size()).isZero();
        assertThat(service.attachments()).isEmpty();
        assertThat(allocatedAddresses()).hasSize(2);
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("pdnbr-").doesNotContain("vmi1");
    }

    /**
     * A VM's Multus network: Multus attached {@code pod<hash>} with the network's own delegate just
     * before; the binding takes it over (its address to the guest, behind the same isolation) and
     * leaves it to Multus to delete.
     */
    @Test
    void onAMultusNetworkTheBindingTakesOverMultussInterface() throws Exception {
        NetworkConfigList second = new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"second\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-second\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.253.10.0/24\"}]]}}]}").getBytes(StandardCharsets.UTF_8), "second");
        String multusInterface = VmNames.kubevirtPodInterface("second");
        CniResult delegate = cni.add(second, RuntimeConf.of(sandbox, path(pod).toString(), multusInterface));
        try {
            String ip = delegate.ips().get(0).address().toString();
            Run add = shim("ADD", "net3", CONFIG.replace("\"default\"", "\"second\""));
            assertThat(add.exit()).as(add.out().toString()).isZero();
            assertThat(add.out().path("ips").get(0).path("address").asText()).isEqualTo(ip);
            assertThat(ip("-n", pod, "-o", "-4", "addr", "show", "dev", multusInterface)).isBlank();
            assertThat(ip("-n", pod, "-o", "link", "show", "dev", multusInterface)).contains("master pdnbr-vmi3");
            assertThat(service.attachments()).as("nothing of the daemon's network").isEmpty();
            String guestNs = namespaces.create();
            try (GuestNamespace guest = new GuestNamespace(path(guestNs), podOps, "pdnbr-vmi3", "pdnguest3",
                    MacAddress.parse("02:11:22:33:44:66"), Files.createDirectories(tmp.resolve("guest3")))) {
                assertThat(guest.lease().get("ip") + "/24").isEqualTo(ip);
                assertThat(guest.ping("10.253.10.1")).isTrue();
            }
            assertThat(shim("DEL", "net3", CONFIG.replace("\"default\"", "\"second\"")).exit()).isZero();
            assertThat(ip("-n", pod, "-o", "link", "show")).contains(multusInterface).doesNotContain("pdnbr-")
                    .doesNotContain(VmNames.tap("second"));
            assertThat(dhcpServed("pdnbr-vmi3")).isFalse();
        } finally {
            cni.del(second, RuntimeConf.of(sandbox, path(pod).toString(), multusInterface)); // Multus's DEL of the delegate
        }
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "second").allocations()).isEmpty();
    }
}
