package dev.podnic.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.node.api.ProxyError;
import dev.podnic.node.api.ProxyRequest;
import java.io.IOException;

/**
 * What every request and response of the daemon's APIs (proxy and admin) share: a JSON object with
 * {@code apiVersion}; answers carry {@code ok} and, when it is false, an {@code error}.
 */
final class Envelope {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Envelope() {
    }

    /** A request that failed before or during its operation, as the response's error. */
    static final class Refused extends RuntimeException {
        final ProxyError error;

        Refused(int code, String msg) {
            super(msg);
            this.error = new ProxyError(code, msg, "");
        }
    }

    /** The request as a JSON object of this API version, or {@link Refused} saying why not. */
    static JsonNode read(byte[] body) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new Refused(ProxyError.MALFORMED, "request is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw new Refused(ProxyError.MALFORMED, "request must be a JSON object");
        }
        String apiVersion = n.path("apiVersion").asText("");
        if (!ProxyRequest.API_VERSION.equals(apiVersion)) {
            throw new Refused(ProxyError.MALFORMED, "apiVersion \"" + apiVersion + "\" is not supported (expected "
                    + ProxyRequest.API_VERSION + ")");
        }
        return n;
    }

    static ObjectNode ok() {
        return JSON.createObjectNode().put("apiVersion", ProxyRequest.API_VERSION).put("ok", true);
    }

    static ObjectNode error(ProxyError e) {
        ObjectNode o = JSON.createObjectNode().put("apiVersion", ProxyRequest.API_VERSION).put("ok", false);
        o.putObject("error").put("code", e.code()).put("msg", e.msg()).put("details", e.details());
        return o;
    }
}
