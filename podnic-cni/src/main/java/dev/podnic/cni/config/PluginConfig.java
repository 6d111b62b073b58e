package dev.podnic.cni.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One plugin's configuration inside a network list.
 *
 * @param type         the plugin's binary name
 * @param raw          the plugin's JSON as written (a private copy; callers must not change it)
 * @param capabilities capabilities the plugin declared; only those set true get runtimeConfig
 */
public record PluginConfig(String type, ObjectNode raw, Map<String, Boolean> capabilities) {

    public PluginConfig {
        raw = raw.deepCopy();
        capabilities = Map.copyOf(capabilities);
    }

    public boolean hasCapability(String name) {
        return Boolean.TRUE.equals(capabilities.get(name));
    }
}
