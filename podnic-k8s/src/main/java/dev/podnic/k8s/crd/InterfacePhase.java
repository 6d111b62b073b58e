package dev.podnic.k8s.crd;

/** {@code status.interfaces[].phase} of one vNIC. */
public enum InterfacePhase {
    /** Not bound yet: its launcher has not reported an address. */
    Pending,
    /** Its VMI interface exists on the node with its pod-network address. */
    Bound
}
