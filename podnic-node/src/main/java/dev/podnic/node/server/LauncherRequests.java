package dev.podnic.node.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.Caller;
import java.util.List;
import java.util.Set;

/**
 * The launcher socket's edge (see {@link NodeWire} for the bytes): a request is decoded once into a
 * typed call of {@link NodeService}, and its outcome encoded once into the response.
 */
public final class LauncherRequests {
    private static final Set<String> OPS = Set.of(NodeRequest.ADD, NodeRequest.DEL, NodeRequest.CHECK, NodeRequest.LIST);

    private final NodeService service;

    public LauncherRequests(NodeService service) {
        this.service = service;
    }

    /** Handles one request; never throws: every outcome is a response. */
    public ObjectNode handle(Caller caller, byte[] body) {
        NodeRequest r;
        try {
            r = NodeWire.readRequest(body);
            if (!OPS.contains(r.op())) {
                throw new NodeWire.MalformedException(NodeError.of(NodeError.MALFORMED, "op \"" + r.op() + "\" is not one of "
                        + List.of(NodeRequest.ADD, NodeRequest.CHECK, NodeRequest.DEL, NodeRequest.LIST)));
            }
        } catch (NodeWire.MalformedException e) {
            service.refusedUnread("unknown", caller, e.error().code(), e.error().msg());
            return NodeWire.error(e.error());
        }
        AttachmentRequest a = new AttachmentRequest(r.netns(), r.ifName(), r.vmi(), r.network());
        try {
            return switch (r.op()) {
                case NodeRequest.ADD -> {
                    Attached added = service.add(caller, a);
                    yield NodeWire.ok().set("result", ResultJson.write(added.result(), added.version()));
                }
                case NodeRequest.DEL -> {
                    service.del(caller, a);
                    yield NodeWire.ok();
                }
                case NodeRequest.CHECK -> {
                    service.check(caller, a);
                    yield NodeWire.ok();
                }
                default -> listing(service.list(caller));
            };
        } catch (CniException e) {
            return NodeWire.error(new NodeError(e.error().code(), e.getMessage(), e.error().details()));
        }
    }

    private static ObjectNode listing(List<LedgerEntry> entries) {
        ObjectNode out = NodeWire.ok();
        ArrayNode arr = out.putArray("attachments");
        for (LedgerEntry e : entries) {
            arr.addObject().put("ifName", e.ifName()).put("network", e.network()).put("state", e.state().name())
                    .put("containerId", e.containerId()).set("result", e.result());
        }
        return out;
    }
}
