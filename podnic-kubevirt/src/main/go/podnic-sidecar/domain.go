package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// What the sidecar does to the domain virt-launcher is about to define: for every interface of the
// VMI bound to this binding plugin, the domain <interface> KubeVirt expects of a binding — alias
// ua-<name>, the VMI's MAC and model, PCI address and ACPI index when given — pointing at the tap the
// node daemon prepared in the pod (managed='no': QEMU attaches, unprivileged), with that tap's MTU.
// Idempotent: virt-launcher may call it again with a domain that already holds the interface, which is
// then replaced (keeping the MAC libvirt chose when the VMI names none), never doubled. Everything else
// in the domain stays byte for byte: the new elements are spliced into the text virt-launcher sent, so
// nothing this program does not understand is re-serialised.

// domainError is why the domain cannot be completed; virt-launcher reports it on the VMI and does not
// start the VM.
type domainError struct{ msg string }

func (e *domainError) Error() string { return e.msg }

func refuse(format string, args ...interface{}) error {
	return &domainError{fmt.Sprintf(format, args...)}
}

// podLinks answers the MTU of a link in the pod's namespace (the sidecar's own), false when there is none.
type podLinks func(name string) (int, bool)

// tapName is the tap the node daemon prepares for a VMI interface: VmNames.tap in podnic-api, to the byte.
func tapName(vnic string) string {
	sum := sha256.Sum256([]byte(vnic))
	return "pdntap" + hex.EncodeToString(sum[:5])[:9]
}

type vmiSpec struct {
	Spec struct {
		Domain struct {
			Devices struct {
				Interfaces            []vmiInterface `json:"interfaces"`
				UseVirtioTransitional bool           `json:"useVirtioTransitional"`
			} `json:"devices"`
		} `json:"domain"`
	} `json:"spec"`
}

type vmiInterface struct {
	Name    string `json:"name"`
	Binding *struct {
		Name string `json:"name"`
	} `json:"binding"`
	MacAddress string `json:"macAddress"`
	Model      string `json:"model"`
	PciAddress string `json:"pciAddress"`
	AcpiIndex  int    `json:"acpiIndex"`
}

var pciAddress = regexp.MustCompile(`^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$`)

// model is KubeVirt's rule: virtio is non-transitional unless the VMI asks for transitional devices.
func model(m string, transitional bool) string {
	if m == "" || m == "virtio" {
		if transitional {
			return "virtio-transitional"
		}
		return "virtio-non-transitional"
	}
	return m
}

// defineDomain returns the domain with this binding's interfaces in it, or the domain unchanged (the
// same bytes) when the VMI has none.
func defineDomain(domainXML, vmiJSON []byte, binding string, links podLinks) ([]byte, error) {
	var vmi vmiSpec
	if err := json.Unmarshal(vmiJSON, &vmi); err != nil {
		return nil, refuse("the VMI virt-launcher sent is not a JSON object: %v", err)
	}
	var ours []vmiInterface
	for _, i := range vmi.Spec.Domain.Devices.Interfaces {
		if i.Binding != nil && i.Binding.Name == binding {
			ours = append(ours, i)
		}
	}
	if len(ours) == 0 {
		return domainXML, nil
	}
	layout, err := scan(domainXML)
	if err != nil {
		return nil, err
	}
	type splice struct {
		start, end int
		text       string
	}
	var edits []splice
	var appended strings.Builder
	for _, i := range ours {
		existing, found := layout.interfaces["ua-"+i.Name]
		keptMAC := ""
		if found {
			keptMAC = existing.mac
		}
		e, err := element(i, vmi.Spec.Domain.Devices.UseVirtioTransitional, keptMAC, binding, links)
		if err != nil {
			return nil, err
		}
		if found {
			edits = append(edits, splice{existing.start, existing.end, e})
		} else {
			appended.WriteString(e)
		}
	}
	if appended.Len() > 0 {
		text := appended.String()
		if layout.wrap {
			text = "<devices>" + text + "</devices>"
		}
		edits = append(edits, splice{layout.insertStart, layout.insertEnd, text})
	}
	// Apply from the end so that earlier offsets stay valid (the insertion point follows every interface).
	out := append([]byte(nil), domainXML...)
	for k := len(edits) - 1; k >= 0; k-- {
		s := edits[k]
		out = append(out[:s.start:s.start], append([]byte(s.text), out[s.end:]...)...)
	}
	return out, nil
}

func element(i vmiInterface, transitional bool, keptMAC, binding string, links podLinks) (string, error) {
	tap := tapName(i.Name)
	mtu, ok := links(tap)
	if !ok {
		return "", refuse("interface %q is bound to %s but the pod has no tap %s for it: the binding's CNI plugin did not "+
			"run for this network. Is podnic's NetworkAttachmentDefinition registered as networkAttachmentDefinition of "+
			"binding %q in the KubeVirt CR, and is the podnic node DaemonSet running on this node?", i.Name, binding, tap, binding)
	}
	var b strings.Builder
	b.WriteString(`<interface type="ethernet"><alias name="`)
	b.WriteString(attr("ua-" + i.Name))
	b.WriteString(`"/><target dev="` + tap + `" managed="no"/><model type="`)
	b.WriteString(attr(model(i.Model, transitional)))
	b.WriteString(`"/>`)
	mac := i.MacAddress
	if mac == "" {
		mac = keptMAC
	}
	if mac != "" {
		b.WriteString(`<mac address="` + attr(mac) + `"/>`)
	}
	b.WriteString(`<mtu size="` + strconv.Itoa(mtu) + `"/><rom enabled="no"/>`)
	if i.PciAddress != "" {
		m := pciAddress.FindStringSubmatch(i.PciAddress)
		if m == nil {
			return "", refuse("interface %q: pciAddress %q is not DDDD:BB:SS.F", i.Name, i.PciAddress)
		}
		fmt.Fprintf(&b, `<address type="pci" domain="0x%s" bus="0x%s" slot="0x%s" function="0x%s"/>`, m[1], m[2], m[3], m[4])
	}
	if i.AcpiIndex > 0 {
		b.WriteString(`<acpi index="` + strconv.Itoa(i.AcpiIndex) + `"/>`)
	}
	b.WriteString(`</interface>`)
	return b.String(), nil
}

func attr(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // escapes quotes, <, >, & and control characters
	return b.String()
}

// domainLayout is where things are in the domain's text: the byte ranges of the interfaces under
// <devices> by alias (with the MAC each holds), and the range new interfaces replace: empty before
// </devices>; or, wrapped in a <devices> of their own, empty before </domain> when there is none, or
// an empty <devices/>.
type domainLayout struct {
	interfaces              map[string]existingInterface
	insertStart, insertEnd int
	wrap                   bool
}

type existingInterface struct {
	start, end int
	mac        string
}

// scan reads the domain as XML (no DOCTYPE: no entities, nothing external) and finds its layout.
func scan(domainXML []byte) (domainLayout, error) {
	layout := domainLayout{interfaces: map[string]existingInterface{}}
	d := xml.NewDecoder(bytes.NewReader(domainXML))
	depth := 0
	devicesSeen, inDevices, devicesClosed := false, false, false
	devicesStart, devicesOpened := 0, 0
	var current *existingInterface // the <interface> under <devices> being read
	currentAlias := ""
	rootDone := false
	for {
		before := int(d.InputOffset())
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return layout, refuse("the domain virt-launcher sent is not XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return layout, refuse("the domain virt-launcher sent is not XML libvirt takes: it has a <!%s>", firstWord(t))
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if rootDone {
					return layout, refuse("the domain virt-launcher sent is not XML: more than one root element")
				}
				if t.Name.Local != "domain" || t.Name.Space != "" {
					return layout, refuse("the domain virt-launcher sent has <%s> at its root, not <domain>", t.Name.Local)
				}
			case depth == 2 && t.Name.Local == "devices" && !devicesSeen:
				devicesSeen, inDevices = true, true
				devicesStart, devicesOpened = before, int(d.InputOffset())
			case depth == 3 && inDevices && t.Name.Local == "interface":
				current, currentAlias = &existingInterface{start: before}, ""
			case depth == 4 && current != nil && t.Name.Local == "alias":
				currentAlias = attrOf(t, "name")
			case depth == 4 && current != nil && t.Name.Local == "mac":
				current.mac = attrOf(t, "address")
			}
		case xml.EndElement:
			switch {
			case depth == 3 && current != nil:
				current.end = int(d.InputOffset())
				if currentAlias != "" {
					layout.interfaces[currentAlias] = *current
				}
				current = nil
			case depth == 2 && inDevices:
				inDevices, devicesClosed = false, true
				if before == devicesOpened && bytes.HasSuffix(domainXML[:before], []byte("/>")) {
					layout.insertStart, layout.insertEnd, layout.wrap = devicesStart, before, true // <devices/>
				} else {
					layout.insertStart, layout.insertEnd = before, before
				}
			case depth == 1:
				rootDone = true
				if before == int(d.InputOffset()) {
					return layout, refuse("the domain virt-launcher sent is an empty <domain/>")
				}
				if !devicesClosed {
					layout.insertStart, layout.insertEnd, layout.wrap = before, before, true
				}
			}
			depth--
		}
	}
	if !rootDone {
		return layout, refuse("the domain virt-launcher sent is not XML: no <domain> element")
	}
	return layout, nil
}

func attrOf(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func firstWord(d xml.Directive) string {
	s := strings.TrimSpace(string(d))
	if i := strings.IndexAny(s, " \t\r\n["); i >= 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}
