package dev.podnic.cni.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses and validates network configuration documents: a {@code .conflist} (name, cniVersion,
 * plugins[]) or a single-plugin {@code .conf}/{@code .json}, which is wrapped as a one-plugin list
 * exactly as libcni does. Every error names the source and the field.
 */
public final class ConfigParser {
    /** libcni's rule for network names (and container IDs). */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final Pattern PLUGIN_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

    public ConfigParser() {
    }

    /** Parses a {@code .conflist} document. */
    public NetworkConfigList parseList(byte[] bytes, String source) {
        ObjectNode root = object(bytes, source);
        String name = name(root, source, "name");
        SpecVersion version = version(root, source, "cniVersion", Optional.empty());
        boolean disableCheck = flag(root, source, "disableCheck");
        boolean disableGc = flag(root, source, "disableGC");
        JsonNode plugins = root.get("plugins");
        if (plugins == null || plugins.isNull()) {
            throw new ConfigException(source, "plugins", "missing (a network list needs a non-empty \"plugins\" array)");
        }
        if (!plugins.isArray() || plugins.isEmpty()) {
            throw new ConfigException(source, "plugins", "must be a non-empty array of plugin objects, got " + brief(plugins));
        }
        var list = new ArrayList<PluginConfig>();
        for (int i = 0; i < plugins.size(); i++) {
            list.add(plugin(plugins.get(i), source, "plugins[" + i + "]"));
        }
        return new NetworkConfigList(name, version, disableCheck, disableGc, list, bytes, source);
    }

    /** Parses a single-plugin {@code .conf} and wraps it as a one-plugin list. */
    public NetworkConfigList parseSingle(byte[] bytes, String source) {
        ObjectNode root = object(bytes, source);
        String name = name(root, source, "name");
        SpecVersion version = version(root, source, "cniVersion", Optional.of(SpecVersion.V0_1_0));
        PluginConfig plugin = plugin(root, source, "");
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        wrapped.put("cniVersion", version.text());
        wrapped.put("name", name);
        ArrayNode arr = wrapped.putArray("plugins");
        arr.add(root.deepCopy());
        byte[] listBytes = JsonTrees.write(wrapped);
        return new NetworkConfigList(name, version, false, false, List.of(plugin), listBytes, source);
    }

    /** Parses either form, deciding by the presence of "plugins" (for stdin or inline configs). */
    public NetworkConfigList parseAny(byte[] bytes, String source) {
        ObjectNode root = object(bytes, source);
        return root.has("plugins") ? parseList(bytes, source) : parseSingle(bytes, source);
    }

    /** The "name" of a document when it is a JSON object with a string name; for lookups. */
    Optional<String> peekName(byte[] bytes) {
        try {
            JsonNode root = JsonTrees.read(bytes);
            return root != null && root.path("name").isTextual() ? Optional.of(root.get("name").asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private ObjectNode object(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = JsonTrees.read(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, "", "not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, "", "must be a JSON object, got " + brief(root));
        }
        return (ObjectNode) root;
    }

    private static PluginConfig plugin(JsonNode node, String source, String field) {
        String prefix = field.isEmpty() ? "" : field + ".";
        if (!node.isObject()) {
            throw new ConfigException(source, field, "must be a plugin object, got " + brief(node));
        }
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            throw new ConfigException(source, prefix + "type", "missing (expected the plugin's binary name, e.g. \"bridge\")");
        }
        if (!type.isTextual() || !PLUGIN_TYPE.matcher(type.asText()).matches()) {
            throw new ConfigException(source, prefix + "type", "must be a plugin binary name (letters, digits, _ . -), got " + brief(type));
        }
        Map<String, Boolean> caps = new LinkedHashMap<>();
        JsonNode c = node.get("capabilities");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw new ConfigException(source, prefix + "capabilities", "must be an object of booleans, got " + brief(c));
            }
            var it = c.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isBoolean()) {
                    throw new ConfigException(source, prefix + "capabilities." + e.getKey(), "must be true or false, got " + brief(e.getValue()));
                }
                caps.put(e.getKey(), e.getValue().asBoolean());
            }
        }
        return new PluginConfig(type.asText(), (ObjectNode) node, caps);
    }

    private static String name(ObjectNode root, String source, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new ConfigException(source, field, "missing (every network needs a name)");
        }
        if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
            throw new ConfigException(source, field, "must start with a letter or digit and hold only letters, digits, _ . -; got " + brief(n));
        }
        return n.asText();
    }

    private static SpecVersion version(ObjectNode root, String source, String field, Optional<SpecVersion> dflt) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt.orElseThrow(() -> new ConfigException(source, field,
                    "missing (expected one of " + SpecVersion.supportedList() + ")"));
        }
        return SpecVersion.find(v.asText()).filter(x -> v.isTextual()).orElseThrow(() -> new ConfigException(source, field,
                "unsupported version " + brief(v) + " (expected one of " + SpecVersion.supportedList() + ")"));
    }

    private static boolean flag(ObjectNode root, String source, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new ConfigException(source, field, "must be true or false, got " + brief(v));
    }

    static String brief(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
