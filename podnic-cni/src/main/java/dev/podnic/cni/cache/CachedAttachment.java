package dev.podnic.cni.cache;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One cached attachment in libcni's {@code cniCacheV1} form.
 *
 * @param config the network list's bytes at ADD time
 * @param result the final ADD result, in the network's version (null when absent)
 */
public record CachedAttachment(String networkName, String containerId, String ifName, String netns, byte[] config,
                               List<Map.Entry<String, String>> cniArgs, Map<String, JsonNode> capabilityArgs,
                               JsonNode result) {

    public CachedAttachment {
        netns = netns == null ? "" : netns;
        config = config == null ? new byte[0] : config.clone();
        cniArgs = List.copyOf(cniArgs);
        capabilityArgs = Map.copyOf(capabilityArgs);
    }

    @Override
    public byte[] config() {
        return config.clone();
    }
}
