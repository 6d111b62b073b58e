package dev.podnic.binding.apply;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmNames;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.testing.GuestNamespace;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.kernel.NetfilterTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's design with real libvirt: a libvirtd running inside the pod's namespace (its own
 * mount namespace, isolated from any other libvirtd), one libvirt network per vNIC serving the
 * CNI-assigned configuration, guests (udhcpc in namespaces) on the networks' bridges.
 */
class LibvirtBindingIT extends WithRealPod {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: testvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}}, "
            + "{type: pod-network}]}}}").getBytes(StandardCharsets.UTF_8), "test");

    private final List<GuestNamespace> guests = new ArrayList<>();

    @Override
    protected String subnet() {
        return "10.250.8.0/24";
    }

    @BeforeEach
    void libvirtdInThePod() {
        startLibvirtd();
    }

    @AfterEach
    void closeGuests() {
        guests.forEach(GuestNamespace::close);
    }

    @Test
    void libvirtNetworksServeEachVNicItsCniConfiguration() throws Exception {
        CniResult eth0 = cni.add(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
        Path resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        try (RogueDhcp rogue = rogueDhcpOnTheNode("10.250.8.200,10.250.8.210,255.255.255.0,600");
             NetfilterTables tables = NetfilterTables.open(podThread);
             LibvirtBackend backend = new LibvirtBackend(libvirtd.uri(), VmNames.of(VMI), new DhcpIsolation(tables))) {
            BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, net, path(pod)), podOps, backend, Domains.NONE,
                    new RecordStore(tmp.resolve("records")), resolv, path(pod));
            try {
                List<BoundVNic> bound = binding.up(VMI);
                assertThat(backend.podnicNetworks()).hasSize(2);
                assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "nft", "list", "tables")))
                        .contains("table bridge podnic_pdnbr_vmi0").contains("table bridge podnic_pdnbr_vmi1");
                for (BoundVNic b : bound) {
                    assertThat(b.dhcp().ref()).isEqualTo("podnic-" + VmNames.of(VMI).tag() + "-" + b.plan().vmiInterface());
                    GuestNamespace guest = new GuestNamespace(path(namespaces.create()), podOps, b.plan().bridge(),
                            "pdng" + b.plan().vnic().index(), b.plan().vnic().mac(),
                            Files.createDirectories(tmp.resolve("guest" + b.plan().vnic().index())));
                    guests.add(guest);
                    Map<String, String> lease = guest.lease();
                    assertThat(lease.get("ip") + "/" + lease.get("mask")).isEqualTo(b.cniResult().ips().get(0).address().toString());
                    assertThat(lease).containsEntry("router", "10.250.8.1").containsEntry("mtu", "1400")
                            .containsEntry("dns", "192.0.2.53")
                            .containsEntry("staticroutes", b.plan().bridgeAddress() + " 0.0.0.0 10.250.8.1/32 0.0.0.0 0.0.0.0/0 10.250.8.1");
                    assertThat(guest.ping("10.250.8.1")).isTrue();
                    assertThat(guest.ping(eth0.ips().get(0).address().address().getHostAddress())).isTrue();
                }
                // The first vNIC's bridge is the pod's first: its isolation holds only if written once the bridge was there.
                assertThat(rogue.heardAnyone()).as("the rogue server heard a guest: " + Files.readString(rogue.log())).isFalse();
            } finally {
                assertThat(binding.down("default", "testvm", Optional.empty())).isEqualTo(new Released.Recorded(2, null));
                cni.del(net, RuntimeConf.of("kubelet-pod-1", path(pod).toString(), "eth0"));
            }
            assertThat(backend.podnicNetworks()).isEmpty();
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "nft", "list", "tables"))).as("isolation removed")
                    .doesNotContain("bridge podnic_"); // (libvirt keeps its own ip tables)
            assertThat(podOps.links()).extracting(dev.podnic.netlink.Link::name)
                    .containsExactlyInAnyOrder("lo", "pdng0", "pdng1"); // only the guests' own veths remain
        }
    }

    @Test
    void withoutItsRecordAVmIsFoundThroughItsLibvirtNetworks() throws Exception {
        Path resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        try (LibvirtBackend backend = new LibvirtBackend(libvirtd.uri(), VmNames.of(VMI))) {
            RecordStore records = new RecordStore(tmp.resolve("records"));
            BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, net, path(pod)), podOps, backend, Domains.NONE,
                    records, resolv, path(pod));
            binding.up(VMI);
            records.delete("default", "testvm"); // the state directory is lost
            assertThat(binding.down("default", "testvm", Optional.empty())).isEqualTo(new Released.Nothing());
            assertThat(binding.down("default", "testvm", Optional.of(VmNames.of(VMI)))).isEqualTo(new Released.Discovered(2));
            assertThat(backend.podnicNetworks()).isEmpty();
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", pod, "nft", "list", "tables"))).as("isolation removed")
                    .doesNotContain("bridge podnic_"); // (libvirt keeps its own ip tables)
            assertThat(podOps.links()).extracting(dev.podnic.netlink.Link::name).containsExactly("lo");
        }
    }
}
