package dev.podnic.cni.skel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin side of the CNI protocol in one adapter, as CNI's {@code pkg/skel} is for Go plugins:
 * the call's environment and stdin in, decoded once into {@link CmdArgs}; VERSION answered here,
 * without the plugin; every other command dispatched to the {@link CniPlugin}; its result written in
 * the configuration's version, or its error printed as the spec's error object with exit status 1.
 *
 * <p>Unlike Go's skel, only ADD refuses a configuration version outside {@code supportedVersions}
 * (code 1): a DEL must free what was made whatever the runtime's configuration says, and the other
 * commands print no result.
 */
public final class PluginSkel {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What an error says its version is when the configuration could not be read. */
    private static final String FALLBACK_VERSION = "1.0.0";

    private final CniPlugin plugin;
    private final List<String> supportedVersions;

    /** @param supportedVersions what VERSION answers, and which configuration versions ADD accepts */
    public PluginSkel(CniPlugin plugin, List<String> supportedVersions) {
        this.plugin = plugin;
        this.supportedVersions = List.copyOf(supportedVersions);
    }

    /** One call: its CNI_* environment and its stdin. Never throws: every outcome is an answer. */
    public PluginOutput call(Map<String, String> env, byte[] stdin) {
        String command = env.getOrDefault("CNI_COMMAND", "");
        String version = FALLBACK_VERSION;
        try {
            if (command.equals("VERSION")) {
                return ok(JSON.createObjectNode().put("cniVersion", SpecVersion.LATEST.toString())
                        .set("supportedVersions", JSON.valueToTree(supportedVersions)));
            }
            CmdArgs args = CmdArgs.read(env, stdin);
            version = args.cniVersion().isEmpty() ? version : args.cniVersion();
            switch (command) {
                case "ADD" -> {
                    Optional<SpecVersion> v = supportedVersions.contains(version) ? SpecVersion.find(version) : Optional.empty();
                    if (v.isEmpty()) {
                        throw new CniException(CniError.INCOMPATIBLE_VERSION, "cniVersion \"" + version + "\" is not one of "
                                + supportedVersions + " (nothing was changed)");
                    }
                    return ok(ResultJson.write(plugin.add(args), v.get()));
                }
                case "DEL" -> plugin.del(args);
                case "CHECK" -> plugin.check(args);
                case "STATUS" -> plugin.status(args);
                case "GC" -> plugin.gc(args);
                default -> throw new CniException(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND \"" + command
                        + "\" is not one of ADD, DEL, CHECK, STATUS, GC, VERSION");
            }
            return new PluginOutput(0, new byte[0]);
        } catch (CniException e) {
            return error(version, e.error().code(), e.getMessage(), e.error().details());
        } catch (RuntimeException e) {
            return error(version, CniError.GENERIC, String.valueOf(e.getMessage()), "");
        }
    }

    private static PluginOutput ok(ObjectNode stdout) {
        return new PluginOutput(0, (stdout + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static PluginOutput error(String version, int code, String msg, String details) {
        ObjectNode e = JSON.createObjectNode().put("cniVersion", version).put("code", code).put("msg", msg);
        if (!details.isEmpty()) {
            e.put("details", details);
        }
        return new PluginOutput(1, (e + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
