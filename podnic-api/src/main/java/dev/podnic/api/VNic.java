package dev.podnic.api;

import dev.podnic.inet.MacAddress;

/**
 * One pod-network vNIC, normalized.
 *
 * @param index        position among the VM's pod-network NICs; names its VMI interface ({@code vmi<index>})
 * @param name         the interface's name (KubeVirt form), or {@code nic<index>} (seed form has none)
 * @param mac          the MAC, given or derived
 * @param macGenerated true when podnic derived the MAC (stable for the same VM identity and index)
 */
public record VNic(int index, String name, MacAddress mac, boolean macGenerated, NicModel model) {

    /** The pod interface CNI creates for this vNIC. */
    public String vmiInterface() {
        return VmNames.vmiInterface(index);
    }

    /** The bridge joining the VMI interface and the VM's NIC. */
    public String bridge() {
        return VmNames.bridge(vmiInterface());
    }
}
