package dev.podnic.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.node.api.AdminClient;
import dev.podnic.node.api.ProxyError;
import dev.podnic.node.ledger.LedgerEntry;
import java.util.List;

/**
 * The node-local admin API, served on its own socket that only the node's own components can reach
 * (a directory shared inside the DaemonSet pod, never with launcher pods): the filesystem is the
 * authorization, as for containerd's socket. The node agent uses it to report every VM's
 * attachments and to free those of a deleted VM instance, whose pod may be long gone.
 */
public final class NodeAdmin {
    private final NodeService service;

    public NodeAdmin(NodeService service) {
        this.service = service;
    }

    /** Handles one request; never throws: every outcome is a response. */
    public ObjectNode handle(byte[] body) {
        try {
            JsonNode n = Envelope.read(body);
            String op = n.path("op").asText("");
            String vmi = n.path("vmi").asText("");
            return switch (op) {
                case AdminClient.ATTACHMENTS -> attachments();
                case AdminClient.RELEASE -> vmi.isEmpty()
                        ? error(ProxyError.MALFORMED, "RELEASE needs \"vmi\": the VM's identity (its uid)")
                        : released(service.release(vmi));
                default -> error(ProxyError.MALFORMED, "op \"" + op + "\" is not one of [" + AdminClient.ATTACHMENTS + ", "
                        + AdminClient.RELEASE + "]");
            };
        } catch (Envelope.Refused e) {
            return Envelope.error(e.error);
        } catch (CniException e) {
            return error(e.error().code(), e.getMessage());
        } catch (RuntimeException e) {
            return error(CniError.GENERIC, "internal error: " + e);
        }
    }

    private ObjectNode attachments() {
        ObjectNode out = ok();
        ArrayNode arr = out.putArray("attachments");
        for (LedgerEntry e : service.attachments()) {
            arr.addObject().put("vmi", e.vmi()).put("ifName", e.ifName()).put("network", e.network()).put("state", e.state().name())
                    .put("containerId", e.containerId()).put("netns", e.netns()).set("result", e.result());
        }
        return out;
    }

    private ObjectNode released(List<LedgerEntry> freed) {
        ObjectNode out = ok();
        ArrayNode arr = out.putArray("released");
        freed.forEach(e -> arr.addObject().put("ifName", e.ifName()).put("network", e.network()).put("containerId", e.containerId()));
        return out;
    }

    private static ObjectNode ok() {
        return Envelope.ok();
    }

    private static ObjectNode error(int code, String msg) {
        return Envelope.error(new ProxyError(code, msg, ""));
    }
}
