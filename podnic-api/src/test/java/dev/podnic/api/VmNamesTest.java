package dev.podnic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VmNamesTest {
    private final VmNames vm = VmNames.of("8a0c3a0e-1111-4c1e-9a3f-000000000001");

    @Test
    void derivedNamesAreStableAndDistinctPerVm() {
        VmNames other = VmNames.of("default/othervm");
        assertThat(VmNames.of(vm.identity()).containerId()).isEqualTo(vm.containerId());
        assertThat(vm.containerId()).startsWith("podnic-").hasSize("podnic-".length() + 24).isNotEqualTo(other.containerId());
        assertThat(vm.tag()).hasSize(8).matches("[0-9a-f]{8}").isNotEqualTo(other.tag());
        assertThat(vm.domain()).isEqualTo("podnic-" + vm.tag());
        assertThat(vm.libvirtNetwork("vmi1")).isEqualTo("podnic-" + vm.tag() + "-vmi1");
    }

    @Test
    void knownValuesDoNotDriftBetweenReleases() {
        // Records, ledgers and libvirt objects of running VMs carry these names: changing a derivation
        // would orphan them on upgrade.
        VmNames known = VmNames.of("default/testvm");
        assertThat(known.tag()).isEqualTo("dd9d42bd");
        assertThat(known.containerId()).isEqualTo("podnic-dd9d42bd86d39cbb6e71e0b6");
        assertThat(known.defaultMac(0).toString()).isEqualTo("76:64:0e:2a:7e:94");
        assertThat(known.containerIdInNetns(4, 4026532000L)).isEqualTo("podnic-0b44e345c99cd45624b356a0");
    }

    @Test
    void defaultMacsAreLocallyAdministeredUnicastAndPerIndex() {
        byte first = vm.defaultMac(0).bytes()[0];
        assertThat(first & 0x02).isEqualTo(0x02);
        assertThat(first & 0x01).isZero();
        assertThat(vm.defaultMac(0)).isNotEqualTo(vm.defaultMac(1));
    }

    @Test
    void theNodeDaemonsContainerIdDependsOnTheNamespace() {
        assertThat(vm.containerIdInNetns(4, 100)).isNotEqualTo(vm.containerIdInNetns(4, 101)).isNotEqualTo(vm.containerId());
    }

    @Test
    void libvirtNetworkNamesParseBackOnlyForThisVm() {
        assertThat(vm.vmiInterfaceOfNetwork(vm.libvirtNetwork("vmi12"))).contains("vmi12");
        assertThat(vm.vmiInterfaceOfNetwork(VmNames.of("default/othervm").libvirtNetwork("vmi0"))).isEmpty();
        assertThat(vm.vmiInterfaceOfNetwork(vm.domain() + "-eth0")).isEmpty();
        assertThat(vm.vmiInterfaceOfNetwork("default")).isEmpty();
    }

    @Test
    void perVnicNames() {
        assertThat(VmNames.vmiInterface(3)).isEqualTo("vmi3");
        assertThat(VmNames.bridge("vmi3")).isEqualTo("pdnbr-vmi3");
        assertThat(VmNames.vmiIndex("vmi3")).contains(3);
        assertThat(VmNames.vmiIndex("eth0")).isEmpty();
        assertThat(VmNames.vmiIndex("vmi1234")).isEmpty();
    }

    @Test
    void anEmptyIdentityIsRefused() {
        assertThatThrownBy(() -> VmNames.of("")).isInstanceOf(IllegalArgumentException.class);
    }

    /** KubeVirt's own test values (pkg/network/multus/annotation_test.go): the names must agree. */
    @Test
    void podInterfacesAreNamedAsKubeVirtNamesThem() {
        assertThat(VmNames.kubevirtPodInterface("blue")).isEqualTo("pod16477688c0e");
        assertThat(VmNames.kubevirtPodInterface("red")).isEqualTo("podb1f51a511f1");
    }

    @Test
    void tapsAreNamedFromTheVnicsNameWithinTheKernelsLimit() {
        assertThat(VmNames.tap("default")).startsWith("pdntap").hasSize(15).isEqualTo(VmNames.tap("default"));
        assertThat(VmNames.tap("default")).isNotEqualTo(VmNames.tap("second"));
        // Pinned: podnic-sidecar (Go, podnic-kubevirt/src/main/go) derives the same names (TestTapNamesAreVmNames).
        assertThat(VmNames.tap("default")).isEqualTo("pdntap37a8eec1c");
        assertThat(VmNames.tap("second")).isEqualTo("pdntap16367aacb");
    }
}
