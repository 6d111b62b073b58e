package dev.podnic.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** How {@link JsonFiles} turns a document into JSON text and back. */
public interface JsonCodec<T> {
    byte[] write(T value) throws IOException;

    /** The document, or an IOException saying what in the text is wrong. */
    T read(byte[] json) throws IOException;

    /** Jackson's data binding of {@code type} (records and beans as they are) with {@code json}'s settings. */
    static <T> JsonCodec<T> binding(ObjectMapper json, Class<T> type) {
        return new JsonCodec<>() {
            @Override
            public byte[] write(T value) throws IOException {
                return json.writeValueAsBytes(value);
            }

            @Override
            public T read(byte[] text) throws IOException {
                return json.readValue(text, type);
            }
        };
    }
}
