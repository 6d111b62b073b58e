package dev.podnic.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed fields of a JSON object, read as Jackson's data binding reads a record's components: an
 * absent field or JSON null is null (0 for numbers); a value of another type is an IOException naming
 * the field. For the hand-written codecs of documents podnic keeps (its records, the daemon's ledger),
 * which are held to data binding's format.
 */
public final class JsonFields {
    private JsonFields() {
    }

    public static String text(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IOException(field + " is not a string: " + v);
        }
        return v.textValue();
    }

    public static long longValue(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IOException(field + " is not a 64-bit integer: " + v);
        }
        return v.longValue();
    }

    public static int intValue(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IOException(field + " is not a 32-bit integer: " + v);
        }
        return v.intValue();
    }

    /** A nested object; null when absent or JSON null. */
    public static JsonNode object(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new IOException(field + " is not an object: " + v);
        }
        return v;
    }

    /** An array of strings; null when absent or JSON null. */
    public static List<String> texts(JsonNode o, String field) throws IOException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new IOException(field + " is not an array: " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new IOException(field + " holds a non-string: " + s);
            }
            out.add(s.textValue());
        }
        return out;
    }
}
