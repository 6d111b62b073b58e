package dev.podnic.binding.plan;

/** The CNI result cannot be handed to a guest (no IPv4 address, say); names the vNIC and why. */
public final class PlanException extends RuntimeException {
    public PlanException(String message) {
        super(message);
    }
}
