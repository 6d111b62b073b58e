package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The node daemon's wire format, encoded and decoded here only: every request and response is one
 * JSON object with {@code apiVersion} {@value NodeRequest#API_VERSION}, followed by a newline.
 * Requests carry {@code op, netns, ifName, vmi, network}; responses carry {@code ok} and, when it
 * is false, {@code error: {code, msg, details}}.
 */
public final class NodeWire {

    private NodeWire() {
    }

    /** A request that cannot be read, with the error to answer. */
    public static final class MalformedException extends RuntimeException {
        private final NodeError error;

        public MalformedException(NodeError error) {
            super(error.msg());
            this.error = error;
        }

        public NodeError error() {
            return error;
        }
    }

    public static byte[] request(NodeRequest r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("apiVersion", NodeRequest.API_VERSION).put("op", r.op());
        o.put("netns", r.netns()).put("ifName", r.ifName()).put("vmi", r.vmi()).put("network", r.network());
        return line(o);
    }

    /** The request in {@code body}, or {@link MalformedException} saying what is wrong with it. */
    public static NodeRequest readRequest(byte[] body) {
        JsonNode n;
        try {
            n = JsonTrees.read(body);
        } catch (IOException e) {
            throw malformed("request is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw malformed("request must be a JSON object");
        }
        String apiVersion = n.path("apiVersion").asText("");
        if (!NodeRequest.API_VERSION.equals(apiVersion)) {
            throw malformed("apiVersion \"" + apiVersion + "\" is not supported (expected " + NodeRequest.API_VERSION + ")");
        }
        for (String field : new String[] {"op", "netns", "ifName", "vmi", "network"}) {
            if (n.has(field) && !n.get(field).isTextual()) {
                throw malformed("\"" + field + "\" must be a string");
            }
        }
        return new NodeRequest(n.path("op").asText(""), n.path("netns").asText(""), n.path("ifName").asText(""),
                n.path("vmi").asText(""), n.path("network").asText(""));
    }

    /** A successful answer; the caller adds the op's payload. */
    public static ObjectNode ok() {
        return JsonNodeFactory.instance.objectNode().put("apiVersion", NodeRequest.API_VERSION).put("ok", true);
    }

    public static ObjectNode error(NodeError e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("apiVersion", NodeRequest.API_VERSION).put("ok", false);
        o.putObject("error").put("code", e.code()).put("msg", e.msg()).put("details", e.details());
        return o;
    }

    public static byte[] response(ObjectNode response) {
        return line(response);
    }

    /** The daemon's answer; an {@link IOException} when there is none (it went away) or it is not an answer. */
    public static NodeResponse readResponse(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            throw new NodeUnavailableException("the node daemon closed the connection without an answer (restarting?)");
        }
        JsonNode n;
        try {
            n = JsonTrees.read(bytes);
        } catch (IOException e) {
            throw new IOException("the node daemon's answer is not JSON: "
                    + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8), e);
        }
        if (n == null || !n.isObject() || !n.has("ok")) {
            throw new IOException("the node daemon's answer has no \"ok\": " + n);
        }
        return new NodeResponse(n);
    }

    private static MalformedException malformed(String msg) {
        return new MalformedException(NodeError.of(NodeError.MALFORMED, msg));
    }

    private static byte[] line(ObjectNode o) {
        byte[] json = JsonTrees.write(o);
        byte[] out = new byte[json.length + 1];
        System.arraycopy(json, 0, out, 0, json.length);
        out[json.length] = '\n';
        return out;
    }
}
