package dev.podnic.binding.apply;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.plan.GuestIpv6;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.binding.testing.GuestNamespace.Dhcpv6Client;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.inet.IpLiteral;
import dev.podnic.netlink.kernel.NetfilterTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 end to end with real parts: Debian's bridge (with isGateway) and ptp plugins on dual-stack
 * and IPv6-only host-local ranges in a node namespace, podnic's dnsmasq backend with podnic-ra, and
 * guest namespaces running ISC dhclient -6 (the kernel taking the advertisements) or dhcpcd (taking
 * them itself). Every guest must end up with exactly its CNI address and a default route through the
 * real gateway on the node (its link-local address, answered by the node), and a bystander pod on the
 * node's bridge must learn nothing from the guests' bridges.
 */
class Ipv6BindingIT extends WithRealPod {
    private static final VmiSpec TWO_NICS = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: v6vm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:06:01'}}, "
            + "{type: pod-network, mac: {address: '02:00:00:00:06:02'}}]}}}").getBytes(StandardCharsets.UTF_8), "test");
    private static final VmiSpec ONE_NIC = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: v6one}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '02:00:00:00:06:11'}}]}}}")
            .getBytes(StandardCharsets.UTF_8), "test");

    private final List<GuestNamespace> guests = new ArrayList<>();
    private NetfilterTables tables;

    @Override
    protected String subnet() {
        return "10.250.26.0/24"; // (the base class's network; these tests use their own)
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

    private NetworkConfigList network(String name, String plugin, String ranges, String routes) {
        String gateway = plugin.equals("bridge") ? "\"bridge\":\"cni-" + name + "\",\"isGateway\":true," : "";
        return new ConfigParser().parseList(("{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"plugins\":["
                + "{\"type\":\"" + plugin + "\"," + gateway + "\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\",\"ranges\":" + ranges + ","
                + "\"routes\":" + routes + "}}]}").getBytes(StandardCharsets.UTF_8), "test");
    }

    private BindingEngine binding(NetworkConfigList network) throws Exception {
        Path resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\nnameserver fd00:53::53\nsearch example.test\n");
        return new BindingEngine(new InProcessAttacher(cni, network, path(pod)), podOps,
                new DnsmasqBackend(podThread, tmp.resolve("dhcp"), Path.of("/usr/sbin/dnsmasq"), new DhcpIsolation(tables), false),
                Domains.NONE, new RecordStore(tmp.resolve("records")), resolv, path(pod));
    }

    private GuestNamespace guest(BoundVNic b) throws Exception {
        GuestNamespace g = new GuestNamespace(path(namespaces.create()), podOps, b.plan().bridge(), "pdng6" + b.plan().vnic().index(),
                b.plan().vnic().mac(), Files.createDirectories(tmp.resolve("guest" + b.plan().vnic().index())));
        guests.add(g);
        return g;
    }

    /** The link-local address of a node interface, as ip shows it. */
    private String nodeLinkLocal(String device) {
        return ip("-n", node, "-6", "-o", "addr", "show", "dev", device, "scope", "link").replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1").strip();
    }

    private static String v6(CniResult r) {
        return IpLiteral.format(r.ips().stream().filter(i -> !i.isIpv4()).findFirst().orElseThrow().address().address());
    }

    /** podnic-ra daemons of this test (their pid files live in its state directory). */
    private List<ProcessHandle> ourAdvertisers() {
        String dir = tmp.resolve("dhcp").toString();
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("podnic-ra") && c.contains(dir))
                .orElse(false)).toList();
    }


    @Test
    void dualStackBridgeGuestsGetTheirExactIpv6AddressAndTheNodesGatewayAsRouterWithBothClients() throws Exception {
        NetworkConfigList dual = network("dual", "bridge", "[[{\"subnet\":\"10.250.26.0/24\"}],[{\"subnet\":\"fd00:26::/64\"}]]",
                "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]");
        String bystander = namespaces.create();
        CniResult bystanderPod = cni.add(dual, RuntimeConf.of("bystander", path(bystander).toString(), "eth0"));
        String gatewayLinkLocal = nodeLinkLocal("cni-dual");
        ip("-n", node, "addr", "add", "fd00:99::1/128", "dev", "lo"); // off-link for the guests: reached through the router
        BindingEngine binding = binding(dual);
        try {
            List<BoundVNic> bound = binding.up(TWO_NICS);
            for (BoundVNic b : bound) {
                GuestIpv6 planned = b.plan().guest().ipv6();
                String assigned = v6(b.cniResult());
                assertThat(planned.router()).isEqualTo(IpLiteral.parse(gatewayLinkLocal));
                assertThat(planned.onLink()).isTrue();
                // The VMI interface kept only its link-local address; the guest gets the rest.
                assertThat(ip("-n", pod, "-6", "-o", "addr", "show", "dev", b.plan().vmiInterface(), "scope", "global")).isBlank();
                assertThat(ip("-n", pod, "-6", "route", "show", "dev", b.plan().vmiInterface())).doesNotContain("default");

                GuestNamespace guest = guest(b);
                Dhcpv6Client client = b.plan().vnic().index() == 0 ? Dhcpv6Client.DHCLIENT : Dhcpv6Client.DHCPCD;
                String lease = guest.lease6(client);
                if (client == Dhcpv6Client.DHCLIENT) {
                    assertThat(lease).contains("new_ip6_address=" + assigned).contains("new_dhcp6_name_servers=fd00:53::53")
                            .contains("new_dhcp6_domain_search=example.test.");
                    assertThat(guest.lease().get("ip")).as("IPv4 as before").isEqualTo(
                            b.cniResult().ips().get(0).address().address().getHostAddress());
                }
                assertThat(guest.run(List.of("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")))
                        .contains("inet6 " + assigned + "/128");
                guest.awaitDefaultRoute6(gatewayLinkLocal);
                assertThat(guest.run(List.of("ip", "-6", "route"))).as(client + ": the prefix is on-link").contains("fd00:26::/64 dev eth0");
                assertThat(guest.ping("fd00:26::1")).as(client + ": the gateway").isTrue();
                assertThat(guest.ping(v6(bystanderPod))).as(client + ": a pod on the node").isTrue();
                assertThat(guest.ping("fd00:99::1")).as(client + ": an off-link address, through the router").isTrue();
                // Neighbour discovery went to the node: the router's link-layer address is the node bridge's.
                String nodeBridgeMac = ip("-n", node, "-o", "link", "show", "dev", "cni-dual").replaceAll("(?s).*link/ether ([0-9a-f:]+) .*", "$1");
                assertThat(guest.run(List.of("ip", "-6", "neigh", "show", gatewayLinkLocal))).contains("lladdr " + nodeBridgeMac);
            }
            // The bystander heard no advertisement and no DHCPv6 from the guests' bridges.
            assertThat(ip("-n", bystander, "-6", "route")).doesNotContain("proto ra").contains("default via fd00:26::1 dev eth0");
            assertThat(ip("-n", bystander, "-6", "-o", "addr", "show", "scope", "global")).contains(v6(bystanderPod))
                    .doesNotContain(v6(bound.get(0).cniResult())).doesNotContain(v6(bound.get(1).cniResult()));
            assertThat(ourAdvertisers()).hasSize(2);
        } finally {
            binding.down("default", "v6vm", Optional.empty());
            cni.del(dual, RuntimeConf.of("bystander", path(bystander).toString(), "eth0"));
        }
        assertThat(ourAdvertisers()).as("podnic-ra left").isEmpty();
        // The last advertisement withdrew the default route of the guest whose kernel follows advertisements.
        GuestNamespace.await("the route withdrawn", () -> !guests.get(0).defaultRoute6().contains("via"));
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "dual").allocations()).isEmpty();
    }

    /** ptp routes the prefix through the gateway: the guest must not think its neighbours are on-link. */
    @Test
    void aPtpGuestRoutesEverythingThroughTheGatewayOnTheNodesEndOfTheVeth() throws Exception {
        NetworkConfigList ptp = network("ptp6", "ptp", "[[{\"subnet\":\"10.251.26.0/24\"}],[{\"subnet\":\"fd00:27::/64\"}]]",
                "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]");
        String other = namespaces.create();
        CniResult otherPod = cni.add(ptp, RuntimeConf.of("other", path(other).toString(), "eth0"));
        BindingEngine binding = binding(ptp);
        try {
            BoundVNic b = binding.up(ONE_NIC).get(0);
            GuestIpv6 planned = b.plan().guest().ipv6();
            assertThat(planned.onLink()).isFalse();
            assertThat(planned.router()).isNotNull();
            assertThat(ip("-n", node, "-6", "-o", "addr", "show", "scope", "link")).as("the router is the node's end of the veth")
                    .contains(IpLiteral.format(planned.router()) + "/64");
            GuestNamespace guest = guest(b);
            guest.lease6(Dhcpv6Client.DHCLIENT);
            String assigned = v6(b.cniResult());
            assertThat(guest.run(List.of("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")))
                    .contains("inet6 " + assigned + "/128");
            guest.awaitDefaultRoute6(IpLiteral.format(planned.router()));
            assertThat(guest.run(List.of("ip", "-6", "route"))).doesNotContain("fd00:27::/64");
            assertThat(guest.ping("fd00:27::1")).as("the gateway").isTrue();
            boolean reached = guest.ping(v6(otherPod));
            assertThat(reached).as("another pod, through the node; node routes: %s; node neighbours: %s; guest: %s",
                    ip("-n", node, "-6", "route"), ip("-n", node, "-6", "neigh"), guest.run(List.of("ip", "-6", "addr"))).isTrue();
        } finally {
            binding.down("default", "v6one", Optional.empty());
            cni.del(ptp, RuntimeConf.of("other", path(other).toString(), "eth0"));
        }
        assertThat(ourAdvertisers()).isEmpty();
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "ptp6").allocations()).isEmpty();
    }

    @Test
    void anIpv6OnlyNetworkServesOnlyIpv6() throws Exception {
        NetworkConfigList only = network("only6", "bridge", "[[{\"subnet\":\"fd00:28::/64\"}]]", "[{\"dst\":\"::/0\"}]");
        BindingEngine binding = binding(only);
        try {
            BoundVNic b = binding.up(ONE_NIC).get(0);
            assertThat(b.plan().guest().address()).isNull();
            GuestNamespace guest = guest(b);
            guest.lease6(Dhcpv6Client.DHCPCD);
            assertThat(guest.run(List.of("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "global")))
                    .contains("inet6 " + v6(b.cniResult()) + "/128");
            assertThat(guest.run(List.of("ip", "-6", "route", "show", "default"))).contains("via " + nodeLinkLocal("cni-only6"));
            assertThat(guest.ping("fd00:28::1")).as("the gateway").isTrue();

            // podnic-ra killed: the VM's health says so, and a rerun of up starts it again (one, not two).
            ProcessHandle advertiser = ourAdvertisers().get(0);
            advertiser.destroyForcibly();
            GuestNamespace.await("podnic-ra gone", () -> !advertiser.isAlive());
            assertThat(binding.health("default", "v6one").orElseThrow().problems().get("vmi0"))
                    .anyMatch(p -> p.contains("is not serving"));
            binding.up(ONE_NIC);
            assertThat(ourAdvertisers()).hasSize(1);
            assertThat(binding.health("default", "v6one").orElseThrow().problems().get("vmi0")).isEmpty();
        } finally {
            binding.down("default", "v6one", Optional.empty());
        }
        assertThat(ourAdvertisers()).isEmpty();
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "only6").allocations()).isEmpty();
    }

    /**
     * The libvirt backend: the network's dnsmasq serves DHCPv6 (the network declares no IPv6 address,
     * or libvirt would advertise the bridge as a router), podnic-ra beside it advertises the gateway.
     */
    @Test
    void theLibvirtBackendServesIpv6TooWithPodnicRaBesideItsNetwork() throws Exception {
        NetworkConfigList dual = network("lvdual", "bridge", "[[{\"subnet\":\"10.250.29.0/24\"}],[{\"subnet\":\"fd00:29::/64\"}]]",
                "[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]");
        startLibvirtd();
        Path resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver fd00:53::53\n");
        try (dev.podnic.binding.libvirt.LibvirtBackend backend = new dev.podnic.binding.libvirt.LibvirtBackend(libvirtd.uri(),
                dev.podnic.api.VmNames.of(ONE_NIC), new DhcpIsolation(tables),
                new dev.podnic.binding.dhcp.RouterAdvertisements(podThread, tmp.resolve("dhcp")))) {
            BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, dual, path(pod)), podOps, backend, Domains.NONE,
                    new RecordStore(tmp.resolve("records")), resolv, path(pod));
            try {
                BoundVNic b = binding.up(ONE_NIC).get(0);
                GuestNamespace guest = guest(b);
                assertThat(guest.lease6(Dhcpv6Client.DHCLIENT)).contains("new_ip6_address=" + v6(b.cniResult()))
                        .contains("new_dhcp6_name_servers=fd00:53::53");
                assertThat(guest.lease().get("ip")).isEqualTo(b.cniResult().ips().get(0).address().address().getHostAddress());
                String gatewayLinkLocal = nodeLinkLocal("cni-lvdual");
                guest.awaitDefaultRoute6(gatewayLinkLocal);
                assertThat(guest.ping("fd00:29::1")).as("the gateway").isTrue();
                assertThat(ourAdvertisers()).hasSize(1);
            } finally {
                binding.down("default", "v6one", Optional.empty());
            }
            assertThat(backend.podnicNetworks()).isEmpty();
        }
        assertThat(ourAdvertisers()).isEmpty();
        assertThat(new HostLocalStore(tmp.resolve("ipam"), "lvdual").allocations()).isEmpty();
    }
}
