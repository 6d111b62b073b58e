package dev.podnic.cni.config;

import dev.podnic.cni.version.SpecVersion;
import java.util.List;

/**
 * A network: a name, a spec version and the plugins run in order for ADD (reverse for DEL).
 *
 * @param bytes  the list as JSON bytes; cached with each attachment as libcni does
 * @param source where it was read from, for messages
 */
public record NetworkConfigList(String name, SpecVersion cniVersion, boolean disableCheck, boolean disableGc,
                                List<PluginConfig> plugins, byte[] bytes, String source) {

    public NetworkConfigList {
        plugins = List.copyOf(plugins);
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return name + " (" + cniVersion + ", " + plugins.stream().map(PluginConfig::type).toList() + ", " + source + ")";
    }
}
