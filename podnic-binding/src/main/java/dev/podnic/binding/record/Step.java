package dev.podnic.binding.record;

/** How far a vNIC got; written before each step's effects so a crash can be cleaned up. */
public enum Step {
    /** Recorded, nothing done yet (or CNI ADD in flight). */
    PENDING,
    /** The VMI interface exists with its CNI configuration. */
    CNI_ADDED,
    /** Stripped and bridged: written by podnic before 2026-12-07 (read still; a rerun goes on as from CNI_ADDED). */
    BRIDGED,
    /** DHCP serves the guest's configuration. */
    SERVING
}
