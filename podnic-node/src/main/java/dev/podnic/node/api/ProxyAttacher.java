package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.binding.apply.VmiAttacher;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import java.io.IOException;
import java.nio.file.Path;

/** VMI interfaces through the node daemon's CNI proxy, for a launcher running inside the pod. */
public final class ProxyAttacher implements VmiAttacher {
    private final ProxyClient client;
    private final Path podNetns;
    private final String network;

    /** @param network the CNI network, or "" for the daemon's default */
    public ProxyAttacher(ProxyClient client, Path podNetns, String network) {
        this.client = client;
        this.podNetns = podNetns;
        this.network = network;
    }

    @Override
    public CniResult attach(String vmIdentity, String vmiInterface) {
        JsonNode r = call("ADD", vmIdentity, vmiInterface);
        return ResultJson.parse(r.path("result"), SpecVersion.V1_0_0);
    }

    @Override
    public void detach(String vmIdentity, String vmiInterface) {
        call("DEL", vmIdentity, vmiInterface);
    }

    @Override
    public String network() {
        return network;
    }

    /** The daemon derives it from the caller's namespace and the VM; it is not the launcher's to know. */
    @Override
    public String containerId(String vmIdentity) {
        return "(node daemon)";
    }

    /** Our /proc/self means nothing to the daemon: then it finds our namespace itself (see ProxyRequest). */
    private String netnsForDaemon() {
        return podNetns.startsWith("/proc/self") ? "" : podNetns.toString();
    }

    private JsonNode call(String op, String vmi, String ifName) {
        JsonNode r;
        try {
            r = client.call(new ProxyRequest(ProxyRequest.API_VERSION, op, netnsForDaemon(), ifName, vmi, network));
        } catch (IOException e) {
            throw new CniException(CniError.TRY_AGAIN_LATER, "node daemon unreachable: " + e.getMessage());
        }
        if (!r.path("ok").asBoolean()) {
            JsonNode e = r.path("error");
            throw new CniException(new CniError(e.path("code").asInt(CniError.GENERIC), e.path("msg").asText(),
                    e.path("details").asText("")), "node daemon refused " + op + " of " + ifName + ": " + e.path("msg").asText(), null);
        }
        return r;
    }
}
