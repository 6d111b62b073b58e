package main

import (
	"strings"
	"testing"
)

// As virt-launcher marshals it (Go's encoding/xml): the masquerade interface of another network, a qemu namespace.
const domain = `<domain type="qemu" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
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
`

var (
	tapDefault = tapName("default")
	tapSecond  = tapName("second")
)

func links(name string) (int, bool) {
	mtu, ok := map[string]int{tapDefault: 1400, tapSecond: 9000}[name]
	return mtu, ok
}

func vmi(interfaces string) string {
	return `{"apiVersion":"kubevirt.io/v1","kind":"VirtualMachineInstance","metadata":{"name":"vm1","namespace":"vms",` +
		`"uid":"0b1c"},"spec":{"domain":{"devices":{"interfaces":[` + interfaces + `]}},` +
		`"networks":[{"name":"default","pod":{}},{"name":"second","multus":{"networkName":"vms/second"}},` +
		`{"name":"other","pod":{}}]}}`
}

func define(t *testing.T, d, v string) string {
	t.Helper()
	out, err := defineDomain([]byte(d), []byte(v), "podnic", links)
	if err != nil {
		t.Fatalf("defineDomain: %v", err)
	}
	return string(out)
}

func refused(t *testing.T, d, v, want string) {
	t.Helper()
	_, err := defineDomain([]byte(d), []byte(v), "podnic", links)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want an error containing %q, got %v", want, err)
	}
}

func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Fatalf("%q not in\n%s", p, s)
		}
	}
}

// Pinned to podnic-api's VmNames.tap (VmNamesTest): the node daemon makes the tap by that name.
func TestTapNamesAreVmNames(t *testing.T) {
	for name, want := range map[string]string{"default": "pdntap37a8eec1c", "second": "pdntap16367aacb"} {
		if got := tapName(name); got != want {
			t.Errorf("tapName(%q) = %s, want %s", name, got, want)
		}
	}
}

func TestOurInterfacePointsAtThePreparedTapWithItsMtu(t *testing.T) {
	out := define(t, domain, vmi(`{"name":"default","binding":{"name":"podnic"}},{"name":"other","masquerade":{}}`))
	want := `<interface type="ethernet"><alias name="ua-default"/><target dev="` + tapDefault +
		`" managed="no"/><model type="virtio-non-transitional"/><mtu size="1400"/><rom enabled="no"/></interface></devices>`
	mustContain(t, out, want)
	if strings.Replace(out, want, "</devices>", 1) != domain {
		t.Fatalf("everything else must stay byte for byte:\n%s", out)
	}
}

func TestTheVmisMacModelPciAddressAndAcpiIndexAreKept(t *testing.T) {
	out := define(t, domain, vmi(`{"name":"second","binding":{"name":"podnic"},"macAddress":"02:00:00:aa:bb:cc",`+
		`"model":"e1000e","pciAddress":"0000:81:01.2","acpiIndex":3}`))
	mustContain(t, out, `<alias name="ua-second"/><target dev="`+tapSecond+`" managed="no"/>`+
		`<model type="e1000e"/><mac address="02:00:00:aa:bb:cc"/><mtu size="9000"/><rom enabled="no"/>`+
		`<address type="pci" domain="0x0000" bus="0x81" slot="0x01" function="0x2"/><acpi index="3"/></interface>`)
}

func TestCalledAgainItReplacesItsInterfaceKeepingTheMacLibvirtChose(t *testing.T) {
	v := vmi(`{"name":"default","binding":{"name":"podnic"}}`)
	once := define(t, domain, v)
	defined := strings.Replace(once, `<alias name="ua-default"/>`, `<alias name="ua-default"/><mac address="52:54:00:12:34:56"/>`, 1)
	twice := define(t, defined, v)
	if n := strings.Count(twice, "ua-default"); n != 1 {
		t.Fatalf("%d interfaces of ours, want 1:\n%s", n, twice)
	}
	mustContain(t, twice, `<mac address="52:54:00:12:34:56"/>`)
	// A third call with the domain as virt-launcher re-marshals it (open and close tags, indented) replaces it too.
	remarshalled := strings.Replace(domain, "</devices>", `  <interface type="ethernet">
      <alias name="ua-default"></alias>
      <mac address="52:54:00:12:34:56"></mac>
    </interface>
  </devices>`, 1)
	thrice := define(t, remarshalled, v)
	if n := strings.Count(thrice, "ua-default"); n != 1 {
		t.Fatalf("%d interfaces of ours, want 1:\n%s", n, thrice)
	}
	mustContain(t, thrice, `<mac address="52:54:00:12:34:56"/><mtu size="1400"/>`)
}

func TestHotplugPlaceholdersAreKept(t *testing.T) {
	withPlaceholder := strings.Replace(domain, "</devices>", `<interface type="ethernet"><alias name="ua-placeholder-0"></alias></interface></devices>`, 1)
	out := define(t, withPlaceholder, vmi(`{"name":"default","binding":{"name":"podnic"}}`))
	mustContain(t, out, `<alias name="ua-placeholder-0"></alias></interface><interface type="ethernet"><alias name="ua-default"/>`)
}

func TestInterfacesOfOtherBindingsOrNoneLeaveTheDomainByteForByte(t *testing.T) {
	for _, v := range []string{vmi(`{"name":"default","binding":{"name":"passt"}},{"name":"other","masquerade":{}}`), vmi("")} {
		if out := define(t, domain, v); out != domain {
			t.Fatalf("changed:\n%s", out)
		}
	}
}

func TestUseVirtioTransitionalIsHonoured(t *testing.T) {
	if model("", true) != "virtio-transitional" || model("virtio", false) != "virtio-non-transitional" || model("e1000", true) != "e1000" {
		t.Fatal("KubeVirt's model rule")
	}
	v := strings.Replace(vmi(`{"name":"default","binding":{"name":"podnic"}}`), `"devices":{`, `"devices":{"useVirtioTransitional":true,`, 1)
	mustContain(t, define(t, domain, v), `<model type="virtio-transitional"/>`)
}

func TestDomainsWithoutDevicesGetTheirOwn(t *testing.T) {
	v := vmi(`{"name":"default","binding":{"name":"podnic"}}`)
	out := define(t, `<domain type="qemu"><name>x</name></domain>`, v)
	mustContain(t, out, `<name>x</name><devices><interface type="ethernet"><alias name="ua-default"/>`, `</interface></devices></domain>`)
	out = define(t, `<domain type="qemu"><devices/></domain>`, v)
	mustContain(t, out, `<domain type="qemu"><devices><interface type="ethernet">`, `</interface></devices></domain>`)
}

func TestAMissingTapSaysWhatToCheck(t *testing.T) {
	refused(t, domain, vmi(`{"name":"third","binding":{"name":"podnic"}}`),
		`interface "third" is bound to podnic but the pod has no tap `+tapName("third"))
	refused(t, domain, vmi(`{"name":"third","binding":{"name":"podnic"}}`), "networkAttachmentDefinition")
}

func TestHostileOrBrokenInputIsRefusedClearly(t *testing.T) {
	v := vmi(`{"name":"default","binding":{"name":"podnic"}}`)
	refused(t, `<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain>&x;</domain>`, v, "it has a <!DOCTYPE>")
	refused(t, `<domain><devices>`, v, "not XML")
	refused(t, `<pool/>`, v, "<pool> at its root")
	refused(t, `<domain/>`, v, "empty <domain/>")
	refused(t, domain, "[1", "not a JSON object")
	refused(t, domain, "[1]", "not a JSON object")
	refused(t, domain, vmi(`{"name":"default","binding":{"name":"podnic"},"pciAddress":"81:1"}`), `pciAddress "81:1" is not DDDD:BB:SS.F`)
}

func TestValuesFromTheVmiAreEscaped(t *testing.T) {
	out := define(t, domain, vmi(`{"name":"default","binding":{"name":"podnic"},"model":"x\"/><evil/>","macAddress":"<&>"}`))
	mustContain(t, out, `<model type="x&#34;/&gt;&lt;evil/&gt;"/>`, `<mac address="&lt;&amp;&gt;"/>`)
	if strings.Contains(out, "<evil/>") {
		t.Fatal("injected an element")
	}
}
