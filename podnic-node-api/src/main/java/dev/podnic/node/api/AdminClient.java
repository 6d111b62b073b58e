package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/** Talks to the node daemon's admin socket: the node agent's side. */
public final class AdminClient {
    private final NodeClient socket;

    public AdminClient(Path adminSocket) {
        this.socket = new NodeClient(adminSocket);
    }

    /** Every attachment in the ledger: {@code [{vmi, ifName, network, state, containerId, netns, result}]}. */
    public JsonNode attachments() throws IOException {
        return call(NodeRequest.of(NodeRequest.ATTACHMENTS)).get("attachments");
    }

    /** Frees every attachment of the VM {@code vmi} (its uid); returns {@code [{ifName, network, containerId}]}. */
    public JsonNode release(String vmi) throws IOException {
        return call(NodeRequest.release(vmi)).get("released");
    }

    private NodeResponse call(NodeRequest request) throws IOException {
        NodeResponse answer = socket.call(request);
        if (answer.error().isPresent()) {
            NodeError e = answer.error().get();
            throw new IOException("node daemon refused " + request.op() + ": " + e.msg() + " (code " + e.code() + ")");
        }
        return answer;
    }
}
