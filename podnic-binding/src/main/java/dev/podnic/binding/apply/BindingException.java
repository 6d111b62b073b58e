package dev.podnic.binding.apply;

/**
 * A vNIC could not be wired: names the VM, the vNIC and the step. What was done stays recorded, so
 * a rerun of {@code up} resumes and {@code down} undoes it. The cause carries the CNI, netlink or
 * DHCP error as it was.
 */
public final class BindingException extends RuntimeException {
    public BindingException(String message, RuntimeException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    public BindingException(String message) {
        super(message);
    }
}
