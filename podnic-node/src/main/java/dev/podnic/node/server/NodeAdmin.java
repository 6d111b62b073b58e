package dev.podnic.node.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeWire;
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
            NodeRequest r = NodeWire.readRequest(body);
            String op = r.op();
            String vmi = r.vmi();
            return switch (op) {
                case NodeRequest.ATTACHMENTS -> attachments();
                case NodeRequest.RELEASE -> vmi.isEmpty()
                        ? error(NodeError.MALFORMED, "RELEASE needs \"vmi\": the VM's identity (its uid)")
                        : released(service.release(vmi));
                default -> error(NodeError.MALFORMED, "op \"" + op + "\" is not one of [" + NodeRequest.ATTACHMENTS + ", "
                        + NodeRequest.RELEASE + "]");
            };
        } catch (NodeWire.MalformedException e) {
            return NodeWire.error(e.error());
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
                    .put("containerId", e.containerId()).put("netns", e.netns()).put("podUid", e.podUid())
                    .set("result", e.result());
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
        return NodeWire.ok();
    }

    private static ObjectNode error(int code, String msg) {
        return NodeWire.error(NodeError.of(code, msg));
    }
}
