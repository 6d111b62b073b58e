package dev.podnic.cni;

/**
 * Any failure of a CNI operation. {@link #error()} is the CNI error record to hand on; the
 * subclasses say where it came from: {@link PluginErrorException} (the plugin's own error, kept
 * intact), {@link PluginExecException} (the plugin could not be run or did not answer properly),
 * {@link dev.podnic.cni.config.ConfigException} (a configuration file is wrong).
 */
public class CniException extends RuntimeException {
    private final CniError error;

    public CniException(CniError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public CniException(int code, String message) {
        this(new CniError(code, message, ""), message, null);
    }

    public CniError error() {
        return error;
    }

    /** True when the spec says the caller may retry (code 11, "try again later"). */
    public boolean isRetryable() {
        return error.isRetryable();
    }
}
