package dev.podnic.binding.attach;

import dev.podnic.api.VmNames;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.node.api.NodeApi;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * VMI interfaces through the node daemon's CNI proxy: for a launcher running inside the pod (over
 * the daemon's socket), or for the daemon's own KubeVirt binding acting for a pod (in-process).
 */
public final class NodeDaemonAttacher implements Attacher {
    private final NodeApi client;
    private final Path podNetns;
    private final String network;

    /** @param network the CNI network, or "" for the daemon's default */
    public NodeDaemonAttacher(NodeApi client, Path podNetns, String network) {
        this.client = client;
        this.podNetns = podNetns;
        this.network = network;
    }

    @Override
    public CniResult attach(VmNames vm, String vmiInterface) {
        return ResultJson.parse(call(NodeRequest.ADD, vm, vmiInterface).get("result"), SpecVersion.V1_0_0);
    }

    /** The daemon's CHECK: its ledger says ADDED, the namespace is the same live one, the interface is there. */
    @Override
    public void check(VmNames vm, String vmiInterface) {
        call(NodeRequest.CHECK, vm, vmiInterface);
    }

    @Override
    public void detach(VmNames vm, String vmiInterface) {
        call(NodeRequest.DEL, vm, vmiInterface);
    }

    @Override
    public String network() {
        return network;
    }

    /** The daemon derives it from the caller's namespace and the VM; it is not the launcher's to know. */
    @Override
    public Optional<String> containerId(VmNames vm) {
        return Optional.empty();
    }

    /** Our /proc/self means nothing to the daemon: then it finds our namespace itself (see NodeRequest). */
    private String netnsForDaemon() {
        return podNetns.startsWith("/proc/self") || podNetns.startsWith("/proc/thread-self") ? "" : podNetns.toString();
    }

    private NodeResponse call(String op, VmNames vm, String ifName) {
        NodeResponse r;
        try {
            r = client.call(NodeRequest.attachment(op, netnsForDaemon(), ifName, vm.identity(), network));
        } catch (IOException e) {
            // Not a refusal: the daemon is away (restarting, say); the caller may retry.
            throw new CniException(CniError.TRY_AGAIN_LATER, "node daemon unavailable for " + op + " of " + ifName + ": "
                    + e.getMessage());
        }
        Optional<NodeError> refused = r.error();
        if (refused.isPresent()) {
            NodeError e = refused.get();
            throw new CniException(new CniError(e.code(), e.msg(), e.details()),
                    "node daemon refused " + op + " of " + ifName + ": " + e.msg(), null);
        }
        return r;
    }
}
