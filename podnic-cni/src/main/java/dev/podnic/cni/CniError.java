package dev.podnic.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The CNI error record ({@code code}, {@code msg}, {@code details}) exactly as a plugin printed
 * it, or as podnic reports an error of its own with the spec's well-known codes.
 */
public record CniError(int code, String msg, String details) {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODE_FAILURE = 6;
    public static final int INVALID_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int PLUGIN_NOT_AVAILABLE = 50;
    public static final int LIMITED_CONNECTIVITY = 51;
    /** Used by the Debian plugins for nearly everything. */
    public static final int GENERIC = 999;

    public CniError {
        msg = msg == null ? "" : msg;
        details = details == null ? "" : details;
    }

    /** Reads an error a plugin printed; empty when the text is not a CNI error object. */
    public static Optional<CniError> fromJson(JsonNode node) {
        if (node == null || !node.isObject() || !node.has("code") || !node.get("code").canConvertToInt()) {
            return Optional.empty();
        }
        return Optional.of(new CniError(node.get("code").asInt(), node.path("msg").asText(""),
                node.path("details").asText("")));
    }

    /** The error object as the spec prints it; {@code cniVersion} is left out when empty. */
    public ObjectNode toJson(String cniVersion) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (cniVersion != null && !cniVersion.isEmpty()) {
            o.put("cniVersion", cniVersion);
        }
        o.put("code", code);
        o.put("msg", msg);
        if (!details.isEmpty()) {
            o.put("details", details);
        }
        return o;
    }

    /** The spec's retryable code: the runtime may try the operation again later. */
    public boolean isRetryable() {
        return code == TRY_AGAIN_LATER;
    }

    @Override
    public String toString() {
        return details.isEmpty() ? msg + " (code " + code + ")" : msg + ": " + details + " (code " + code + ")";
    }
}
