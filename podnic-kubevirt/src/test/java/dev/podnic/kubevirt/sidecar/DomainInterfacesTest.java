package dev.podnic.kubevirt.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmNames;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every shape of VMI interface the sidecar may meet, against a domain shaped as virt-launcher writes it. */
class DomainInterfacesTest {
    /** As virt-launcher marshals it (Go's encoding/xml): the masquerade interface of another network, a qemu namespace. */
    static final String DOMAIN = """
            <domain type="qemu" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
              <name>vms_vm1</name>
              <memory unit="b">268435456</memory>
              <devices>
                <interface type="ethernet">
                  <source></source>
                  <target dev="tap0" managed="no"></target>
                  <model type="virtio-non-transitional"></model>
                  <alias name="ua-other"></alias>
                  <rom enabled="no"></rom>
                </interface>
                <controller type="usb" index="0" model="none"></controller>
              </devices>
              <qemu:commandline>
                <qemu:arg value="-no-user-config"></qemu:arg>
              </qemu:commandline>
            </domain>
            """;
    static final String TAP_DEFAULT = VmNames.tap("default");
    static final String TAP_SECOND = VmNames.tap("second");

    private final DomainInterfaces domains = new DomainInterfaces("podnic",
            name -> Map.of(TAP_DEFAULT, 1400, TAP_SECOND, 9000).containsKey(name)
                    ? OptionalInt.of(Map.of(TAP_DEFAULT, 1400, TAP_SECOND, 9000).get(name)) : OptionalInt.empty());

    static String vmi(String interfaces) {
        return "{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstance\",\"metadata\":{\"name\":\"vm1\",\"namespace\":\"vms\","
                + "\"uid\":\"0b1c\"},\"spec\":{\"domain\":{\"devices\":{\"interfaces\":[" + interfaces + "]}},"
                + "\"networks\":[{\"name\":\"default\",\"pod\":{}},{\"name\":\"second\",\"multus\":{\"networkName\":\"vms/second\"}},"
                + "{\"name\":\"other\",\"pod\":{}}]}}";
    }

    private String define(String domain, String vmi) {
        return new String(domains.onDefineDomain(domain.getBytes(StandardCharsets.UTF_8), vmi.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    @Test
    void ourInterfacePointsAtThePreparedTapWithItsMtu() {
        String out = define(DOMAIN, vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}},"
                + "{\"name\":\"other\",\"masquerade\":{}}"));
        assertThat(out).contains("<interface type=\"ethernet\"><alias name=\"ua-default\"/><target dev=\"" + TAP_DEFAULT
                + "\" managed=\"no\"/><model type=\"virtio-non-transitional\"/><mtu size=\"1400\"/><rom enabled=\"no\"/></interface>");
        assertThat(out).as("the other network's interface stays").contains("<alias name=\"ua-other\"/>").contains("dev=\"tap0\"");
        assertThat(out).as("namespaced elements survive").contains("<qemu:arg value=\"-no-user-config\"/>")
                .contains("xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\"");
    }

    @Test
    void theVmisMacModelPciAddressAndAcpiIndexAreKept() {
        String out = define(DOMAIN, vmi("{\"name\":\"second\",\"binding\":{\"name\":\"podnic\"},\"macAddress\":\"02:00:00:aa:bb:cc\","
                + "\"model\":\"e1000e\",\"pciAddress\":\"0000:81:01.2\",\"acpiIndex\":3}"));
        assertThat(out).contains("<alias name=\"ua-second\"/><target dev=\"" + TAP_SECOND + "\" managed=\"no\"/>"
                + "<model type=\"e1000e\"/><mac address=\"02:00:00:aa:bb:cc\"/><mtu size=\"9000\"/><rom enabled=\"no\"/>"
                + "<address bus=\"0x81\" domain=\"0x0000\" function=\"0x2\" slot=\"0x01\" type=\"pci\"/><acpi index=\"3\"/>");
    }

    @Test
    void calledAgainItReplacesItsInterfaceKeepingTheMacLibvirtChose() {
        String vmi = vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}");
        String once = define(DOMAIN, vmi);
        String defined = once.replace("<alias name=\"ua-default\"/>", "<alias name=\"ua-default\"/><mac address=\"52:54:00:12:34:56\"/>");
        String twice = define(defined, vmi);
        assertThat(twice.split("ua-default", -1)).hasSize(2);
        assertThat(twice).contains("<mac address=\"52:54:00:12:34:56\"/>");
    }

    @Test
    void interfacesOfOtherBindingsOrNoneLeaveTheDomainByteForByte() {
        assertThat(define(DOMAIN, vmi("{\"name\":\"default\",\"binding\":{\"name\":\"passt\"}},{\"name\":\"other\",\"masquerade\":{}}")))
                .isEqualTo(DOMAIN);
        assertThat(define(DOMAIN, vmi(""))).isEqualTo(DOMAIN);
    }

    @Test
    void useVirtioTransitionalIsHonoured() {
        assertThat(DomainInterfaces.model("", true)).isEqualTo("virtio-transitional");
        assertThat(DomainInterfaces.model("virtio", false)).isEqualTo("virtio-non-transitional");
        String vmi = vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}").replace("\"devices\":{", "\"devices\":{\"useVirtioTransitional\":true,");
        assertThat(define(DOMAIN, vmi)).contains("<model type=\"virtio-transitional\"/>");
    }

    @Test
    void aMissingTapSaysWhatToCheck() {
        assertThatThrownBy(() -> define(DOMAIN, vmi("{\"name\":\"third\",\"binding\":{\"name\":\"podnic\"}}")))
                .isInstanceOf(DomainInterfaces.DomainException.class)
                .hasMessageContaining("interface \"third\" is bound to podnic but the pod has no tap " + VmNames.tap("third"))
                .hasMessageContaining("networkAttachmentDefinition");
    }

    @Test
    void hostileOrBrokenInputIsRefusedClearly() {
        String vmi = vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"}}");
        assertThatThrownBy(() -> define("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><domain>&x;</domain>", vmi))
                .isInstanceOf(DomainInterfaces.DomainException.class).hasMessageContaining("not XML");
        assertThatThrownBy(() -> define("<pool/>", vmi)).hasMessageContaining("<pool> at its root");
        assertThatThrownBy(() -> define(DOMAIN, "[1")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> define(DOMAIN, vmi("{\"name\":\"default\",\"binding\":{\"name\":\"podnic\"},\"pciAddress\":\"81:1\"}")))
                .hasMessageContaining("pciAddress \"81:1\" is not DDDD:BB:SS.F");
    }
}
