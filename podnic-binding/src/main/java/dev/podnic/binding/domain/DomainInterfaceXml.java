package dev.podnic.binding.domain;

import dev.podnic.api.VNic;

/**
 * The libvirt domain {@code <interface>} element for a vNIC: its MAC, model, and the libvirt
 * network (libvirt backend) or the bridge (dnsmasq backend) it plugs into.
 */
public final class DomainInterfaceXml {
    private DomainInterfaceXml() {
    }

    public static String forNetwork(VNic nic, String libvirtNetwork) {
        return element(nic, "network", "<source network='" + escape(libvirtNetwork) + "'/>");
    }

    public static String forBridge(VNic nic, String bridge) {
        return element(nic, "bridge", "<source bridge='" + escape(bridge) + "'/>");
    }

    /**
     * A tap prepared for the VM ({@code managed='no'}: libvirt neither creates nor changes it), with
     * the MTU the guest is served, since libvirt cannot read it from a bridge it does not know.
     */
    public static String forTap(VNic nic, String tap, int mtu) {
        return "<interface type='ethernet'>\n"
                + "  <mac address='" + nic.mac() + "'/>\n"
                + "  <target dev='" + escape(tap) + "' managed='no'/>\n"
                + "  <model type='" + nic.model().libvirtName() + "'/>\n"
                + "  <mtu size='" + mtu + "'/>\n"
                + "</interface>";
    }

    private static String element(VNic nic, String type, String source) {
        return "<interface type='" + type + "'>\n"
                + "  <mac address='" + nic.mac() + "'/>\n"
                + "  " + source + "\n"
                + "  <model type='" + nic.model().libvirtName() + "'/>\n"
                + "</interface>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
