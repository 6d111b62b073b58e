package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.ip;
import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code podnic vmi up/status/down} with real plugins and dnsmasq in test-made namespaces. */
class CliVmiIT extends WithNodeAndPod {
    @Override
    String subnet() {
        return "10.250.9.0/24";
    }

    private Outcome podnic(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (args[0].equals("vmi") && (!args[1].equals("status") || all.contains("--check"))) {
            all.addAll(List.of("--conf-dir", tmp.resolve("net.d").toString(), "--bin-dir", RealPlugins.DIR,
                    "--cache-dir", tmp.resolve("cache").toString(), "--node-netns", path(node).toString()));
        }
        if (args[0].equals("vmi")) {
            all.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
        }
        return Outcome.of(all);
    }

    @Test
    void upStatusDown() throws Exception {
        Path vm = Path.of("../examples/kubevirt-form-vmi.yaml");
        Outcome up = podnic("vmi", "up", vm.toString(), "--pod-netns", path(pod).toString(), "--dhcp", "dnsmasq", "-o", "json");
        try {
            upAndRerun(vm, up);
        } finally {
            Outcome down = podnic("vmi", "down", "testvm");
            assertThat(down.exit()).as(down.err()).isZero();
        }
        assertThat(ip("-n", pod, "-o", "link", "show")).doesNotContain("pdnbr").doesNotContain("vmi0");
        assertThat(podnic("vmi", "status", "testvm").exit()).isEqualTo(1);
    }

    private void upAndRerun(Path vm, Outcome up) throws Exception {
        assertThat(up.exit()).as(up.err()).isZero();
        JsonNode nics = new ObjectMapper().readTree(up.out());
        assertThat(nics).hasSize(2);
        assertThat(nics.get(0).get("mac").asText()).isEqualTo("00:11:22:33:44:55");
        assertThat(nics.get(0).get("address").asText()).startsWith("10.250.9.");
        assertThat(nics.get(0).get("domainInterfaceXml").asText()).contains("<mac address='00:11:22:33:44:55'/>");
        assertThat(ip("-n", pod, "-o", "link", "show")).contains("pdnbr-vmi0").contains("pdnbr-vmi1");

        Outcome status = podnic("vmi", "status", "testvm");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("SERVING").contains("pdnbr-vmi1");

        Outcome healthy = podnic("vmi", "status", "testvm", "--check");
        assertThat(healthy.exit()).as(healthy.out() + healthy.err()).isZero();
        assertThat(healthy.out()).contains("    healthy").doesNotContain("UNHEALTHY");
        String dnsmasqOfVmi1 = tmp.resolve("state/dhcp/pdnbr-vmi1.leases").toString();
        ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(dnsmasqOfVmi1)).orElse(false))
                .forEach(h -> {
                    h.destroyForcibly(); // kill -9 of one vNIC's DHCP server
                    h.onExit().join();
                });
        Outcome broken = podnic("vmi", "status", "testvm", "--check");
        assertThat(broken.exit()).as(broken.out() + broken.err()).isEqualTo(3);
        assertThat(broken.out()).contains("UNHEALTHY: DHCP server pid:").contains("is not serving pdnbr-vmi1");

        assertThat(podnic("vmi", "up", vm.toString(), "--pod-netns", path(pod).toString(), "--dhcp", "dnsmasq").exit())
                .as("rerun").isZero();
        assertThat(podnic("vmi", "status", "testvm", "--check").exit()).as("repaired by the rerun").isZero();
        String dhcpDir = tmp.resolve("state/dhcp").toString();
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(dhcpDir)).orElse(false)))
                .as("one dnsmasq per vNIC after a rerun").hasSize(2);
    }

    @Test
    void withTheLibvirtBackend() throws Exception {
        Path dir = tmp.resolve("libvirt");
        Outcome start = podnic("pod", "libvirtd", "start", "--netns", path(pod).toString(), "--dir", dir.toString());
        assertThat(start.exit()).as(start.err()).isZero();
        String uri = start.out().strip();
        assertThat(uri).isEqualTo("qemu:///system?socket=" + dir.resolve("sock/libvirt-sock"));
        try {
            Outcome up = podnic("vmi", "up", "../examples/seed-vmi.yaml", "--pod-netns", path(pod).toString(),
                    "--libvirt-uri", uri, "--boot", "--ping", "10.250.9.1");
            try {
                assertThat(up.exit()).as(up.err()).isZero();
                assertThat(up.out()).contains("DHCP           libvirt (podnic-").contains("<interface type='network'>")
                        .contains("<source network='podnic-");
                // the real guest got the vNIC's CNI address and reached the gateway
                String cniAddress = up.out().lines().filter(l -> l.startsWith("  address")).findFirst().orElseThrow().split("\\s+")[2];
                assertThat(up.out()).contains("reported after").containsPattern("nic0 +00:11:22:33:44:55 vmi0 +"
                        + java.util.regex.Pattern.quote(cniAddress) + " +" + java.util.regex.Pattern.quote(cniAddress) + " +10.250.9.1")
                        .contains("guest ping 10.250.9.1      ok");
                assertThat(TestNamespaces.run(List.of("virsh", "-c", uri, "net-list", "--name"))).contains("podnic-");
            } finally {
                Outcome down = podnic("vmi", "down", "testvm", "--libvirt-uri", uri);
                assertThat(down.exit()).as(down.err()).isZero();
            }
            assertThat(TestNamespaces.run(List.of("virsh", "-c", uri, "net-list", "--all", "--name"))).doesNotContain("podnic-");
        } finally {
            assertThat(podnic("pod", "libvirtd", "stop", "--netns", path(pod).toString(), "--dir", dir.toString()).exit()).isZero();
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void withoutLibvirtdTheLibvirtBackendSaysHowToStartIt() {
        Outcome up = podnic("vmi", "up", "../examples/seed-vmi.yaml", "--pod-netns", path(pod).toString(),
                "--libvirt-uri", "qemu:///system?socket=" + tmp.resolve("absent.sock"));
        assertThat(up.exit()).isEqualTo(2);
        assertThat(up.err()).contains("podnic pod libvirtd start --netns");
        assertThat(tmp.resolve("state/vmis")).doesNotExist();
    }

    @Test
    void aBadSpecChangesNothing() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "kind: VirtualMachine\nmetadata: {name: vm1}\n"
                + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '01:00:5e:00:00:01'}}]}}}\n");
        String before = ip("-n", pod, "-o", "link", "show");
        Outcome up = podnic("vmi", "up", bad.toString(), "--pod-netns", path(pod).toString());
        assertThat(up.exit()).isEqualTo(1);
        assertThat(up.err()).contains("interfaces[0].mac.address = \"01:00:5e:00:00:01\"");
        assertThat(ip("-n", pod, "-o", "link", "show")).isEqualTo(before);
        assertThat(tmp.resolve("state/vmis")).doesNotExist();
    }
}
