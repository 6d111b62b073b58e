package dev.podnic.cni.skel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One CNI call as a plugin sees it (CNI's {@code skel.CmdArgs}): the runtime's parameters, read from
 * the environment, and the network configuration, decoded from stdin once.
 *
 * @param containerId CNI_CONTAINERID ("" when the runtime sent none)
 * @param netns       CNI_NETNS, absent when the runtime sent none (a DEL after the namespace is gone)
 * @param ifName      CNI_IFNAME
 * @param args        CNI_ARGS as its {@code KEY=VALUE} pairs, in order
 * @param config      the network configuration, a JSON object
 * @param cniVersion  its {@code cniVersion}, as written ("" when it has none)
 */
public record CmdArgs(String containerId, Optional<Path> netns, String ifName, Map<String, String> args, JsonNode config,
                      String cniVersion) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CmdArgs {
        args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /** Decodes a call's CNI_* environment and stdin; a configuration that is not a JSON object is the spec's code 6. */
    public static CmdArgs read(Map<String, String> env, byte[] stdin) {
        JsonNode config;
        try {
            config = JSON.readTree(stdin);
        } catch (IOException e) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (config == null || !config.isObject()) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration must be a JSON object");
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (String pair : env.getOrDefault("CNI_ARGS", "").split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                args.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        String netns = env.getOrDefault("CNI_NETNS", "");
        JsonNode version = config.path("cniVersion");
        return new CmdArgs(env.getOrDefault("CNI_CONTAINERID", ""), netns.isEmpty() ? Optional.empty() : Optional.of(Path.of(netns)),
                env.getOrDefault("CNI_IFNAME", ""), args, config, version.isTextual() ? version.asText() : "");
    }
}
