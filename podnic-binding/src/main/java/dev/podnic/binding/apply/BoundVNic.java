package dev.podnic.binding.apply;

import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.cni.result.CniResult;

/**
 * A vNIC that is wired: its plan, the CNI result it came from, its DHCP server, the libvirt domain
 * {@code <interface>} that plugs the VM into it, and how long the steps took (milliseconds).
 *
 * @param cniMillis    CNI ADD (or finding it from before)
 * @param podnicMillis podnic's own work: reading the pod, stripping, bridging, every record write (the VM's
 *                     first record is booked on its first vNIC)
 * @param dhcpMillis   starting the DHCP server, as far as the caller waited for it (it starts beside the strip and plug
 *                     where the engine has threads for it; a libvirt network also makes the bridge)
 */
public record BoundVNic(VNicPlan plan, CniResult cniResult, DhcpServer dhcp, String domainInterface, double cniMillis,
                        double podnicMillis, double dhcpMillis) {
}
