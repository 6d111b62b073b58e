package dev.podnic.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The per-attachment arguments of a CNI call (everything except the network configuration).
 *
 * @param containerId    the attachment's owner; letters, digits, _ . - (libcni's rule)
 * @param netns          path of the container's network namespace; may be empty for DEL
 * @param ifName         interface name inside the container, at most 15 characters
 * @param args           CNI_ARGS pairs, in order
 * @param capabilityArgs runtimeConfig values, passed only to plugins declaring the capability
 */
public record RuntimeConf(String containerId, String netns, String ifName, List<Map.Entry<String, String>> args,
                          Map<String, JsonNode> capabilityArgs) {
    private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_IFNAME = 15;

    public RuntimeConf {
        netns = netns == null ? "" : netns;
        args = List.copyOf(args);
        capabilityArgs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(capabilityArgs));
    }

    public static RuntimeConf of(String containerId, String netns, String ifName) {
        return new RuntimeConf(containerId, netns, ifName, List.of(), Map.of());
    }

    /**
     * Checks the fields the spec constrains.
     *
     * @throws CniException with code 4 (invalid environment variables) naming the field
     */
    public void validate() {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new CniException(CniError.INVALID_ENVIRONMENT, "invalid container ID \"" + containerId
                    + "\": must start with a letter or digit and hold only letters, digits, _ . -");
        }
        String problem = ifNameProblem(ifName);
        if (problem != null) {
            throw new CniException(CniError.INVALID_ENVIRONMENT, "invalid interface name \"" + ifName + "\": " + problem);
        }
        for (Map.Entry<String, String> a : args) {
            if (a.getKey().isEmpty() || a.getKey().contains("=") || a.getKey().contains(";") || a.getValue().contains(";")) {
                throw new CniException(CniError.INVALID_ENVIRONMENT, "invalid CNI_ARGS pair \"" + a.getKey() + "=" + a.getValue()
                        + "\": keys must be non-empty without = or ;, values without ;");
            }
        }
    }

    /** Why {@code name} cannot be a Linux interface name, or null when it can. */
    public static String ifNameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > MAX_IFNAME) {
            return "longer than " + MAX_IFNAME + " characters";
        }
        if (name.equals(".") || name.equals("..")) {
            return "must not be . or ..";
        }
        for (char c : name.toCharArray()) {
            if (c == '/' || c == ':' || Character.isWhitespace(c)) {
                return "must not contain '/', ':' or whitespace";
            }
        }
        return null;
    }
}
