package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The daemon's answer: {@code ok} and, when it is false, an {@link NodeError}; the op's payload
 * ({@code result}, {@code attachments}, {@code released}) under its own field.
 */
public record NodeResponse(JsonNode body) {

    public boolean ok() {
        return body.path("ok").asBoolean(false);
    }

    /** The error of a refused request; empty when it succeeded. */
    public Optional<NodeError> error() {
        if (ok()) {
            return Optional.empty();
        }
        JsonNode e = body.path("error");
        return Optional.of(new NodeError(e.path("code").asInt(0), e.path("msg").asText(""), e.path("details").asText("")));
    }

    /** A payload field, or a missing node. */
    public JsonNode get(String field) {
        return body.path(field);
    }

    @Override
    public String toString() {
        return body.toString();
    }
}
