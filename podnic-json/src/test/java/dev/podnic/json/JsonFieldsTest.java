package dev.podnic.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
    private static JsonNode o(String json) throws IOException {
        return JsonTrees.read(json);
    }

    @Test
    void absentAndNullAreNullOrZero() throws Exception {
        JsonNode o = o("{\"t\":null,\"n\":null,\"o\":null,\"a\":null}");
        assertThat(JsonFields.text(o, "t")).isNull();
        assertThat(JsonFields.text(o, "absent")).isNull();
        assertThat(JsonFields.longValue(o, "n")).isZero();
        assertThat(JsonFields.intValue(o, "absent")).isZero();
        assertThat(JsonFields.object(o, "o")).isNull();
        assertThat(JsonFields.texts(o, "a")).isNull();
    }

    @Test
    void readsEachType() throws Exception {
        JsonNode o = o("{\"t\":\"x\",\"l\":4026532001,\"i\":-7,\"o\":{\"k\":1},\"a\":[\"b\",\"c\"]}");
        assertThat(JsonFields.text(o, "t")).isEqualTo("x");
        assertThat(JsonFields.longValue(o, "l")).isEqualTo(4026532001L);
        assertThat(JsonFields.intValue(o, "i")).isEqualTo(-7);
        assertThat(JsonFields.object(o, "o").get("k").intValue()).isEqualTo(1);
        assertThat(JsonFields.texts(o, "a")).isEqualTo(List.of("b", "c"));
    }

    @Test
    void anotherTypeIsAnErrorNamingTheField() throws Exception {
        JsonNode o = o("{\"t\":1,\"i\":4026532001,\"f\":1.5,\"o\":[],\"a\":[1]}");
        assertThatThrownBy(() -> JsonFields.text(o, "t")).isInstanceOf(IOException.class).hasMessageStartingWith("t ");
        assertThatThrownBy(() -> JsonFields.intValue(o, "i")).isInstanceOf(IOException.class).hasMessageStartingWith("i ");
        assertThatThrownBy(() -> JsonFields.longValue(o, "f")).isInstanceOf(IOException.class).hasMessageStartingWith("f ");
        assertThatThrownBy(() -> JsonFields.object(o, "o")).isInstanceOf(IOException.class).hasMessageStartingWith("o ");
        assertThatThrownBy(() -> JsonFields.texts(o, "a")).isInstanceOf(IOException.class).hasMessageStartingWith("a ");
    }
}
