package dev.podnic.api;

import java.util.List;

/**
 * A VM instance as podnic needs it: identity and pod-network vNICs, validated and defaulted.
 *
 * @param uid  metadata.uid when given, else empty; with namespace/name it is the VM's identity
 * @param form which of the accepted input forms it was written in
 */
public record VmiSpec(String namespace, String name, String uid, Form form, List<VNic> nics) {
    public enum Form { SEED, KUBEVIRT }

    public VmiSpec {
        nics = List.copyOf(nics);
    }

    /** What derived values (MACs, container IDs) are keyed by: the uid when present, else namespace/name. */
    public String identity() {
        return uid.isEmpty() ? namespace + "/" + name : uid;
    }
}
