package dev.podnic.binding.apply;

import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.cni.result.CniResult;

/**
 * A vNIC that is wired: its plan, the CNI result it came from, its DHCP server, and how long the
 * steps took (milliseconds), for progress output and benchmarks.
 */
public record BoundVNic(VNicPlan plan, CniResult cniResult, DhcpServer dhcp, double cniMillis, double podnicMillis,
                        double dhcpMillis) {
}
