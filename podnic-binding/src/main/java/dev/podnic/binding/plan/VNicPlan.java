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
 */
public record VNicPlan(VNic vnic, String vmiInterface, String bridge, IpNet bridgeAddress, GuestConfig guest) {
}
