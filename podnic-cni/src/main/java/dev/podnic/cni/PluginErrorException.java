package dev.podnic.cni;

/** A plugin ran and reported a CNI error; {@link #error()} is its record, untouched. */
public final class PluginErrorException extends CniException {
    private final String pluginType;
    private final String command;

    public PluginErrorException(String pluginType, String command, CniError error) {
        super(error, "plugin " + pluginType + " failed (" + command + "): " + error, null);
        this.pluginType = pluginType;
        this.command = command;
    }

    public String pluginType() {
        return pluginType;
    }

    public String command() {
        return command;
    }
}
