package dev.podnic.binding.plan;

import dev.podnic.api.VNic;
import dev.podnic.inet.IpNet;

/**
 * The desired state for one vNIC, computed without side effects.
 *
 * @param vmiInterface  the pod interface CNI created for it ({@code vmi<index>})
 * @param bridge        the bridge joining {@code vmiInterface} and the VM's NIC
 * @param bridgeAddress the bridge's own link-local /32 (the DHCP server's address)
 * @param guest         what DHCP hands the guest
 * @param dhcpv6Address the bridge's IPv6 address for the DHCPv6 server (see {@link Planner#dhcpv6Address}); null without IPv6
 */
public record VNicPlan(VNic vnic, String vmiInterface, String bridge, IpNet bridgeAddress, GuestConfig guest,
                       IpNet dhcpv6Address) {

    public VNicPlan(VNic vnic, String vmiInterface, String bridge, IpNet bridgeAddress, GuestConfig guest) {
        this(vnic, vmiInterface, bridge, bridgeAddress, guest, null);
    }
}
