package dev.podnic.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.podnic.json.JsonTrees;

/** Pretty JSON for the command's output. */
public final class Json {
    private Json() {
    }

    /** A tree, without an ObjectMapper (JsonTrees: a cold `cni add` prints its result without building one). */
    public static String pretty(JsonNode tree) {
        return JsonTrees.pretty(tree);
    }

    /** Any other value, through Jackson's data binding. */
    public static String pretty(Object value) {
        try {
            return Binding.PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Built on first use (class initialisation is lazy): only commands that print other values pay for it. */
    private static final class Binding {
        static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
