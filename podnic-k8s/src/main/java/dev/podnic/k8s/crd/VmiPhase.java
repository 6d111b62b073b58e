package dev.podnic.k8s.crd;

/** {@code status.phase} of a VM instance. */
public enum VmiPhase {
    /** The launcher is created or starting; not every vNIC is bound yet. */
    Pending,
    /** Every vNIC is bound on its node. */
    Running,
    /** Its spec cannot be run, or its launcher went away (a VM instance runs once, as in KubeVirt). */
    Failed
}
