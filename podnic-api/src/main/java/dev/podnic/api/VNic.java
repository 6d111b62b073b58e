package dev.podnic.api;

import dev.podnic.inet.MacAddress;

/**
 * One pod-network vNIC, normalized.
 *
 * @param index        position among the VM's pod-network NICs; names its VMI interface ({@code vmi<index>})
 *                     and its bridge
 * @param name         the interface's name (KubeVirt form), or {@code nic<index>} (seed form has none)
 * @param mac          the MAC, given or derived
 * @param macGenerated true when podnic derived the MAC (stable for the same VM identity and index)
 * @param adopted      the pod interface someone else attached that this vNIC takes over (the KubeVirt
 *                     binding on a Multus network: Multus's {@code pod<hash>}), or null: podnic adds
 *                     {@code vmi<index>} through CNI
 */
public record VNic(int index, String name, MacAddress mac, boolean macGenerated, NicModel model, String adopted) {

    public VNic(int index, String name, MacAddress mac, boolean macGenerated, NicModel model) {
        this(index, name, mac, macGenerated, model, null);
    }

    /** The pod interface this vNIC's traffic leaves by: the one CNI creates for it, or the adopted one. */
    public String vmiInterface() {
        return adopted != null ? adopted : VmNames.vmiInterface(index);
    }

    /** The bridge joining the VMI interface and the VM's NIC (named by index: adopted names are too long for it). */
    public String bridge() {
        return VmNames.bridge(VmNames.vmiInterface(index));
    }
}
