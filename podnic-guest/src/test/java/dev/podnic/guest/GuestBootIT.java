package dev.podnic.guest;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmNames;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.result.CniResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end with a real virtual machine: QEMU started by the libvirtd of the pod, two
 * pod-network vNICs wired by podnic (libvirt networks), the guest's own DHCP client; the guest
 * reports on its serial console what it got and whether it reached the gateway and another pod.
 */
class GuestBootIT extends WithRealPod {
    private static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: testvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}, "
            + "model: {type: virtio}}, {type: pod-network}]}}}").getBytes(StandardCharsets.UTF_8), "test");
    private static final Path GUEST_CACHE = Path.of("/var/cache/podnic/guest");

    private String other;

    @Override
    protected String subnet() {
        return "10.250.12.0/24";
    }

    @Override
    protected int mtu() {
        return 1450;
    }

    @BeforeEach
    void anotherPodAndLibvirt() {
        other = namespaces.create();
        startLibvirtd();
    }

    @AfterEach
    void noQemuLeft() {
        libvirtd.stop(); // before the check: QEMU ends with its domains
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("qemu-system")
                && c.contains(tmp.toString())).orElse(false))).as("QEMU processes left").isEmpty();
    }

    @Test
    void aRealGuestGetsExactlyItsCniConfigurationOnBothNicsAndReachesAnotherPod() throws Exception {
        GuestImage image = new GuestImageBuilder(GUEST_CACHE).build(System.err::println);
        CniResult otherPod = cni.add(net, RuntimeConf.of("kubelet-other", path(other).toString(), "eth0"));
        String otherIp = otherPod.ips().get(0).address().address().getHostAddress();
        Path resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
        try (LibvirtBackend backend = new LibvirtBackend(libvirtd.uri(), VmNames.of(VMI))) {
            BindingEngine binding = new BindingEngine(new InProcessAttacher(cni, net, path(pod)), podOps, backend, Domains.NONE,
                    new RecordStore(tmp.resolve("records")), resolv, path(pod));
            try {
                List<BoundVNic> bound = binding.up(VMI);
                List<String> interfaces = bound.stream().map(BoundVNic::domainInterface).toList();
                Path console = tmp.resolve("console.log");
                String xml = GuestDomain.xml(VmNames.of(VMI).domain(), image, interfaces,
                        List.of("10.250.12.1", otherIp), console, GuestDomain.kvmUsable());
                ConsoleReport report;
                try (GuestDomain vm = GuestDomain.boot(libvirtd.uri(), xml, console)) {
                    report = vm.await(Duration.ofSeconds(120));
                }
                assertThat(report.done()).as(Files.exists(console) ? Files.readString(console) : "no console").isTrue();
                for (BoundVNic b : bound) {
                    GuestConfig g = b.plan().guest();
                    Map<String, String> lease = report.leasesByMac().get(b.plan().vnic().mac().toString());
                    assertThat(lease).as("lease of %s", b.plan().vnic().name()).isNotNull();
                    assertThat(lease.get("ip") + "/" + lease.get("mask")).isEqualTo(b.cniResult().ips().get(0).address().toString());
                    assertThat(lease).containsEntry("router", "10.250.12.1").containsEntry("mtu", "1450")
                            .containsEntry("dns", "192.0.2.53").containsEntry("hostname", "testvm")
                            .containsEntry("routes", g.routes().stream().map(r -> r.destination() + ","
                                    + (r.onLink() ? "0.0.0.0" : r.gateway().getHostAddress())).collect(Collectors.joining(",")));
                }
                assertThat(report.pings()).containsEntry("10.250.12.1", true).containsEntry(otherIp, true);
                System.err.println("guest lease times (s): " + report.leaseSecondsByIf());
            } finally {
                binding.down("default", "testvm", Optional.empty());
                cni.del(net, RuntimeConf.of("kubelet-other", path(other).toString(), "eth0"));
            }
            assertThat(backend.podnicNetworks()).isEmpty();
        }
    }
}
