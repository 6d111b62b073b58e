package dev.podnic.binding.libvirt;

import dev.podnic.binding.dhcp.DnsmasqOptions;
import dev.podnic.binding.plan.VNicPlan;

/**
 * The libvirt network for one vNIC: libvirt creates the bridge with its link-local /32 and runs
 * dnsmasq for it; the DHCP configuration is podnic's dnsmasq options, passed through libvirt's
 * dnsmasq namespace (a {@code <dhcp>} element cannot serve an address outside the bridge's own
 * subnet, and that subnet must not be configured on the bridge).
 */
public final class LibvirtNetworkXml {
    private LibvirtNetworkXml() {
    }

    public static String render(VNicPlan plan, String networkName) {
        StringBuilder x = new StringBuilder();
        x.append("<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n");
        x.append("  <name>").append(escape(networkName)).append("</name>\n");
        x.append("  <bridge name='").append(escape(plan.bridge())).append("' stp='off' delay='0'/>\n");
        x.append("  <mtu size='").append(plan.guest().mtu()).append("'/>\n");
        x.append("  <ip address='").append(plan.bridgeAddress().address().getHostAddress())
                .append("' prefix='").append(plan.bridgeAddress().prefixLength()).append("'/>\n");
        x.append("  <dnsmasq:options>\n");
        for (String o : DnsmasqOptions.dhcp(plan)) {
            x.append("    <dnsmasq:option value='").append(escape(o)).append("'/>\n");
        }
        x.append("  </dnsmasq:options>\n");
        x.append("</network>\n");
        return x.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
