package dev.podnic.binding.apply;

import dev.podnic.cni.CniError;
import java.util.Optional;

/**
 * A vNIC could not be wired: names the VM, the vNIC and the step. What was done stays recorded, so
 * a rerun of {@code up} resumes and {@code down} undoes it. The cause carries the CNI, netlink or
 * DHCP error as it was.
 */
public final class BindingException extends RuntimeException {
    private final transient CniError cniError;

    public BindingException(String message, RuntimeException cause) {
        this(message, cause, null);
    }

    /** @param cniError the CNI error of the step that failed (a plugin's, or the node daemon's), or null */
    public BindingException(String message, RuntimeException cause, CniError cniError) {
        super(message + ": " + cause.getMessage(), cause);
        this.cniError = cniError;
    }

    public BindingException(String message) {
        super(message);
        this.cniError = null;
    }

    /** The CNI error underneath, for callers that answer in CNI's terms (the KubeVirt binding). */
    public Optional<CniError> cniError() {
        return Optional.ofNullable(cniError);
    }
}
