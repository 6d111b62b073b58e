package dev.podnic.cni;

/**
 * A plugin could not be run or did not answer per the spec: not found, not executable, killed
 * after its timeout, exited non-zero without an error object, or printed something unparseable.
 */
public final class PluginExecException extends CniException {
    public enum Reason { NOT_FOUND, START_FAILED, TIMED_OUT, FAILED_WITHOUT_ERROR, UNPARSEABLE_OUTPUT, INCOMPATIBLE_VERSION }

    private final String pluginType;
    private final Reason reason;

    public PluginExecException(String pluginType, Reason reason, int code, String message, Throwable cause) {
        super(new CniError(code, message, ""), message, cause);
        this.pluginType = pluginType;
        this.reason = reason;
    }

    public PluginExecException(String pluginType, Reason reason, int code, String message) {
        this(pluginType, reason, code, message, null);
    }

    public String pluginType() {
        return pluginType;
    }

    public Reason reason() {
        return reason;
    }
}
