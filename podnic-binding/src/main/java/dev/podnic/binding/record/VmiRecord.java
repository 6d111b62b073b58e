package dev.podnic.binding.record;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything podnic made for one VM instance, enough for {@code down} to undo it after any crash:
 * the CNI attachment identity (container ID, network, pod netns), and per vNIC its step, bridge
 * and DHCP server.
 */
public record VmiRecord(String namespace, String name, String identity, String containerId, String podNetns,
                        String network, String backend, List<VNicRecord> nics, String domain) {

    public VmiRecord {
        nics = List.copyOf(nics);
    }

    /** The record with {@code nic} in place of the vNIC of the same index. */
    public VmiRecord with(VNicRecord nic) {
        List<VNicRecord> copy = new ArrayList<>(nics);
        copy.set(copy.indexOf(nic(nic.index())), nic);
        return new VmiRecord(namespace, name, identity, containerId, podNetns, network, backend, copy, domain);
    }

    /**
     * The vNIC of this index (its VMI interface is {@code vmi<index>}). Indexes need not be
     * positions: the KubeVirt binding wires one vNIC per call, numbered as Multus numbers the pod's networks.
     */
    public VNicRecord nic(int index) {
        return nics.stream().filter(n -> n.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no vNIC with index " + index + " in the record of " + name));
    }

    /** The libvirt domain started for the VM (recorded before it starts), or null. */
    public VmiRecord withDomain(String d) {
        return new VmiRecord(namespace, name, identity, containerId, podNetns, network, backend, nics, d);
    }
}
