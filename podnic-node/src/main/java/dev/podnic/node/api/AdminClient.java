package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/** Talks to the node daemon's admin socket (see {@code NodeAdmin}): the node agent's side. */
public final class AdminClient {
    public static final String ATTACHMENTS = "ATTACHMENTS";
    public static final String RELEASE = "RELEASE";

    private final ProxyClient socket;
    private final ObjectMapper json = new ObjectMapper();

    public AdminClient(Path adminSocket) {
        this.socket = new ProxyClient(adminSocket);
    }

    /** Every attachment in the ledger: {@code [{vmi, ifName, network, state, containerId, netns, result}]}. */
    public JsonNode attachments() throws IOException {
        return call(request(ATTACHMENTS)).path("attachments");
    }

    /** Frees every attachment of the VM {@code vmi} (its uid); returns {@code [{ifName, network, containerId}]}. */
    public JsonNode release(String vmi) throws IOException {
        return call(request(RELEASE).put("vmi", vmi)).path("released");
    }

    private ObjectNode request(String op) {
        return json.createObjectNode().put("apiVersion", ProxyRequest.API_VERSION).put("op", op);
    }

    private JsonNode call(ObjectNode request) throws IOException {
        JsonNode answer = socket.raw(json.writeValueAsString(request) + "\n");
        if (!answer.path("ok").asBoolean()) {
            JsonNode e = answer.path("error");
            throw new IOException("node daemon: " + e.path("msg").asText("no answer") + " (code " + e.path("code").asInt() + ")");
        }
        return answer;
    }
}
