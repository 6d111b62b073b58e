package dev.podnic.kubevirt.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What the sidecar does to the domain virt-launcher is about to define: for every interface of the
 * VMI bound to this binding plugin, the domain {@code <interface>} KubeVirt expects of a binding —
 * alias {@code ua-<name>}, the VMI's MAC and model, PCI address and ACPI index when given — pointing at
 * the tap the node daemon prepared in the pod ({@code managed='no'}: QEMU attaches, unprivileged), with
 * that tap's MTU. Idempotent: virt-launcher may call it again with a domain that already holds the
 * interface, which is then replaced (keeping the MAC libvirt chose, when the VMI names none), never doubled.
 * Interfaces of other bindings, and everything else in the domain, are left as they are.
 */
public final class DomainInterfaces {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PCI = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    /** The pod's links as the sidecar sees them (it runs in the pod's namespace, unprivileged). */
    @FunctionalInterface
    public interface PodLinks {
        /** The MTU of link {@code name}, empty when there is no such link. */
        OptionalInt mtu(String name);

        /** Read from this process's own network namespace (the pod's, for the sidecar): no privilege needed. */
        static PodLinks ownNamespace() {
            return name -> {
                try (KernelNetworkOps here = KernelNetworkOps.current()) {
                    return here.findLink(name).map(l -> OptionalInt.of(l.mtu())).orElse(OptionalInt.empty());
                }
            };
        }
    }

    /** Why the domain cannot be completed; virt-launcher reports it on the VMI and does not start the VM. */
    public static final class DomainException extends RuntimeException {
        public DomainException(String message) {
            super(message);
        }
    }

    private final String bindingName;
    private final PodLinks links;

    /** @param bindingName the name this plugin is registered under (KubeVirt's NETWORK_BINDING_PLUGIN_NAME) */
    public DomainInterfaces(String bindingName, PodLinks links) {
        this.bindingName = bindingName;
        this.links = links;
    }

    public byte[] onDefineDomain(byte[] domainXml, byte[] vmiJson) {
        JsonNode vmi = vmi(vmiJson);
        List<JsonNode> ours = new ArrayList<>();
        for (JsonNode i : vmi.path("spec").path("domain").path("devices").path("interfaces")) {
            if (bindingName.equals(i.path("binding").path("name").asText(null))) {
                ours.add(i);
            }
        }
        if (ours.isEmpty()) {
            return domainXml; // no interface of ours: the domain as it came, byte for byte
        }
        boolean transitional = vmi.path("spec").path("domain").path("devices").path("useVirtioTransitional").asBoolean(false);
        Document domain = parse(domainXml);
        Element devices = devices(domain);
        for (JsonNode i : ours) {
            String name = i.path("name").asText();
            Optional<Element> existing = byAlias(devices, "ua-" + name);
            Element created = element(domain, i, transitional, existing.flatMap(DomainInterfaces::mac));
            if (existing.isPresent()) {
                devices.replaceChild(created, existing.get());
            } else {
                devices.appendChild(created);
            }
        }
        return serialize(domain);
    }

    private Element element(Document d, JsonNode iface, boolean transitional, Optional<String> keptMac) {
        String name = iface.path("name").asText();
        String tap = VmNames.tap(name);
        int mtu = links.mtu(tap).orElseThrow(() -> new DomainException("interface \"" + name + "\" is bound to " + bindingName
                + " but the pod has no tap " + tap + " for it: the binding's CNI plugin did not run for this network. Is podnic's "
                + "NetworkAttachmentDefinition registered as networkAttachmentDefinition of binding \"" + bindingName
                + "\" in the KubeVirt CR, and is the podnic node DaemonSet running on this node?"));
        Element e = d.createElement("interface");
        e.setAttribute("type", "ethernet");
        child(e, "alias").setAttribute("name", "ua-" + name);
        Element target = child(e, "target");
        target.setAttribute("dev", tap);
        target.setAttribute("managed", "no");
        child(e, "model").setAttribute("type", model(iface.path("model").asText(""), transitional));
        String mac = iface.path("macAddress").asText("");
        if (!mac.isEmpty()) {
            child(e, "mac").setAttribute("address", mac);
        } else {
            keptMac.ifPresent(m -> child(e, "mac").setAttribute("address", m));
        }
        child(e, "mtu").setAttribute("size", Integer.toString(mtu));
        child(e, "rom").setAttribute("enabled", "no");
        String pci = iface.path("pciAddress").asText("");
        if (!pci.isEmpty()) {
            Matcher m = PCI.matcher(pci);
            if (!m.matches()) {
                throw new DomainException("interface \"" + name + "\": pciAddress \"" + pci + "\" is not DDDD:BB:SS.F");
            }
            Element a = child(e, "address");
            a.setAttribute("type", "pci");
            a.setAttribute("domain", "0x" + m.group(1));
            a.setAttribute("bus", "0x" + m.group(2));
            a.setAttribute("slot", "0x" + m.group(3));
            a.setAttribute("function", "0x" + m.group(4));
        }
        int acpi = iface.path("acpiIndex").asInt(0);
        if (acpi > 0) {
            child(e, "acpi").setAttribute("index", Integer.toString(acpi));
        }
        return e;
    }

    /** KubeVirt's rule: virtio is non-transitional unless the VMI asks for transitional devices. */
    static String model(String model, boolean transitional) {
        if (model.isEmpty() || model.equals("virtio")) {
            return transitional ? "virtio-transitional" : "virtio-non-transitional";
        }
        return model;
    }

    private static Element child(Element parent, String name) {
        Element c = parent.getOwnerDocument().createElement(name);
        parent.appendChild(c);
        return c;
    }

    private static Optional<Element> byAlias(Element devices, String alias) {
        NodeList all = devices.getChildNodes();
        for (int i = 0; i < all.getLength(); i++) {
            Node n = all.item(i);
            if (n.getNodeType() == Node.ELEMENT_NODE && n.getNodeName().equals("interface")) {
                Element e = (Element) n; // DOM's way: an element node is an Element
                NodeList aliases = e.getElementsByTagName("alias");
                if (aliases.getLength() > 0 && alias.equals(((Element) aliases.item(0)).getAttribute("name"))) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> mac(Element iface) {
        NodeList macs = iface.getElementsByTagName("mac");
        return macs.getLength() == 0 ? Optional.empty() : Optional.of(((Element) macs.item(0)).getAttribute("address"))
                .filter(m -> !m.isEmpty());
    }

    private static JsonNode vmi(byte[] json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new DomainException("the VMI virt-launcher sent is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new DomainException("the VMI virt-launcher sent is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no entities, no external anything
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new DomainException("the domain virt-launcher sent is not XML: " + e.getMessage());
        }
    }

    private static Element devices(Document domain) {
        Element root = domain.getDocumentElement();
        if (!root.getNodeName().equals("domain")) {
            throw new DomainException("the domain virt-launcher sent has <" + root.getNodeName() + "> at its root, not <domain>");
        }
        NodeList list = root.getElementsByTagName("devices");
        if (list.getLength() > 0) {
            return (Element) list.item(0);
        }
        Element devices = domain.createElement("devices");
        root.appendChild(devices);
        return devices;
    }

    private static byte[] serialize(Document d) {
        try {
            TransformerFactory f = TransformerFactory.newInstance();
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = f.newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(out));
            return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the domain back", e);
        }
    }
}
