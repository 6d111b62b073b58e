package dev.podnic.kubevirt.cni;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.skel.CmdArgs;
import java.nio.file.Path;
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
    private static final Pattern IFNAME = Pattern.compile("net([1-9][0-9]{0,2})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");

    /** Reads an ADD, DEL or CHECK; throws a {@link CniException} with the spec's code for what is wrong. */
    public static BindingCall read(String command, CmdArgs call) {
        JsonNode config = call.config();
        String containerId = required(command, "CNI_CONTAINERID", call.containerId());
        String ifName = required(command, "CNI_IFNAME", call.ifName());
        Matcher m = IFNAME.matcher(ifName);
        if (!m.matches()) {
            throw invalidEnv("CNI_IFNAME \"" + ifName + "\": podnic's binding expects Multus's name for it, net1 … net999 "
                    + "(KubeVirt's network selection element for a binding names no interface)");
        }
        if (call.netns().isEmpty() && !command.equals("DEL")) {
            throw invalidEnv("CNI_NETNS is required for " + command);
        }
        Map<String, String> args = call.args();
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
        return new BindingCall(command, call.cniVersion(), containerId, call.netns(), ifName, Integer.parseInt(m.group(1)),
                args.getOrDefault("K8S_POD_NAMESPACE", ""), args.getOrDefault("K8S_POD_NAME", ""), args.getOrDefault("K8S_POD_UID", ""),
                logic, network, config);
    }

    /** The VM's identity for this vNIC in the node daemon's ledger: one per pod sandbox and VM network. */
    public String identity() {
        return "kubevirt/" + containerId + "/" + logicNetwork;
    }

    /** Where this attachment's records, leases and logs live under the daemon's state directory. */
    public String key() {
        return containerId + "-" + ifName;
    }

    private static String required(String command, String variable, String v) {
        if (v.isEmpty()) {
            throw invalidEnv(variable + " is required for " + command);
        }
        if (!NAME.matcher(v).matches()) {
            throw invalidEnv(variable + " \"" + v + "\" has characters a container runtime does not use");
        }
        return v;
    }

    private static CniException invalidEnv(String msg) {
        return new CniException(CniError.INVALID_ENVIRONMENT, msg);
    }
}
