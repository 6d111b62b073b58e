package dev.podnic.kubevirt.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.node.api.CniCallWire.CniCall;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One call of podnic's binding CNI, as Multus makes it for a virt-launcher pod, read and checked.
 * KubeVirt's network selection element carries the VM's network name in {@code cni-args}, which
 * Multus passes as {@code args.cni.logicNetworkName} in the configuration; the pod comes in
 * CNI_ARGS (K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID); Multus names the interface
 * {@code net<N>}, its position in the pod's networks, and the VMI interface podnic makes is
 * {@code vmi<N>}.
 *
 * @param network the node's CNI network that gives the VM its address ("" for the daemon's default)
 */
public record BindingCall(String command, String cniVersion, String containerId, Optional<Path> netns, String ifName,
                          int index, String podNamespace, String podName, String podUid, String logicNetwork, String network,
                          JsonNode config) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IFNAME = Pattern.compile("net([1-9][0-9]{0,2})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");

    /** Reads an ADD, DEL or CHECK; throws a {@link CniException} with the spec's code for what is wrong. */
    public static BindingCall read(CniCall call) {
        JsonNode config = config(call);
        String version = config.path("cniVersion").asText("");
        String command = call.command();
        String containerId = required(call, "CNI_CONTAINERID");
        String ifName = required(call, "CNI_IFNAME");
        Matcher m = IFNAME.matcher(ifName);
        if (!m.matches()) {
            throw invalidEnv("CNI_IFNAME \"" + ifName + "\": podnic's binding expects Multus's name for it, net1 … net999 "
                    + "(KubeVirt's network selection element for a binding names no interface)");
        }
        String netns = call.get("CNI_NETNS");
        if (netns.isEmpty() && !command.equals("DEL")) {
            throw invalidEnv("CNI_NETNS is required for " + command);
        }
        Map<String, String> args = cniArgs(call.get("CNI_ARGS"));
        String logic = config.path("args").path("cni").path("logicNetworkName").asText("");
        if (!NAME.matcher(logic).matches() && !(command.equals("DEL") && logic.isEmpty())) { // a DEL needs only the key
            throw new CniException(CniError.INVALID_CONFIG, "args.cni.logicNetworkName " + (logic.isEmpty() ? "is missing"
                    : "\"" + logic + "\" is not a network name") + ": KubeVirt's network selection element for the binding "
                    + "passes it (cni-args), and Multus puts it into the configuration");
        }
        String network = config.path("network").asText("");
        if (!network.isEmpty() && !NAME.matcher(network).matches()) {
            throw new CniException(CniError.INVALID_CONFIG, "\"network\": \"" + network + "\" is not a CNI network name");
        }
        return new BindingCall(command, version, containerId, netns.isEmpty() ? Optional.empty() : Optional.of(Path.of(netns)),
                ifName, Integer.parseInt(m.group(1)), args.getOrDefault("K8S_POD_NAMESPACE", ""), args.getOrDefault("K8S_POD_NAME", ""),
                args.getOrDefault("K8S_POD_UID", ""), logic, network, config);
    }

    /** The network configuration (stdin) as JSON, with the spec's code 6 when it is not. */
    public static JsonNode config(CniCall call) {
        JsonNode config;
        try {
            config = JSON.readTree(call.config());
        } catch (IOException e) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration is not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (config == null || !config.isObject()) {
            throw new CniException(CniError.DECODE_FAILURE, "the network configuration must be a JSON object");
        }
        return config;
    }

    /** The VM's identity for this vNIC in the node daemon's ledger: one per pod sandbox and VM network. */
    public String identity() {
        return "kubevirt/" + containerId + "/" + logicNetwork;
    }

    /** Where this attachment's records, leases and logs live under the daemon's state directory. */
    public String key() {
        return containerId + "-" + ifName;
    }

    private static String required(CniCall call, String variable) {
        String v = call.get(variable);
        if (v.isEmpty()) {
            throw invalidEnv(variable + " is required for " + call.command());
        }
        if (!NAME.matcher(v).matches()) {
            throw invalidEnv(variable + " \"" + v + "\" has characters a container runtime does not use");
        }
        return v;
    }

    private static Map<String, String> cniArgs(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    private static CniException invalidEnv(String msg) {
        return new CniException(CniError.INVALID_ENVIRONMENT, msg);
    }
}
