package dev.podnic.node.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ledger entry's file is what Jackson's data binding of the record writes and reads (the format of
 * every ledger on a node): both ways, for full entries, entries from before a field existed, and nulls.
 */
class LedgerEntryJsonTest {
    private static final ObjectMapper BINDING = new ObjectMapper();
    private final LedgerEntryJson codec = new LedgerEntryJson();

    private static List<LedgerEntry> entries() throws IOException {
        return List.of(
                new LedgerEntry("c1", "vmi0", "podnet", "uid-1", "/proc/123/ns/net", 4, 4026532000L, LedgerEntry.State.ADDED, 107,
                        1764650000123L, BINDING.readTree("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\"}]}"),
                        BINDING.readTree("{\"ips\":[{\"address\":\"10.1.0.2/16\"},{\"address\":\"fd00::2/64\"}],\"mtu\":1450}"), "pod-uid"),
                new LedgerEntry("c2", "vmi1", "podnet", null, "/run/netns/x", 0, 0, LedgerEntry.State.ADDING, 0, 0,
                        BINDING.readTree("{}"), null, null),
                new LedgerEntry("c3", "vmi2", "n", "u", "/x", Long.MAX_VALUE, -1, LedgerEntry.State.DELETING, -1, 1, null, null, "p"));
    }

    @Test
    void writesTheTextDataBindingWrites() throws Exception {
        for (LedgerEntry e : entries()) {
            assertThat(new String(codec.write(e), StandardCharsets.UTF_8)).isEqualTo(BINDING.writeValueAsString(e));
        }
    }

    @Test
    void readsWhatDataBindingReads() throws Exception {
        for (LedgerEntry e : entries()) {
            byte[] text = BINDING.writeValueAsBytes(e);
            assertThat(codec.read(text)).isEqualTo(BINDING.readValue(text, LedgerEntry.class));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"containerId\":\"old\",\"ifName\":\"vmi0\",\"network\":\"n\",\"netns\":\"/x\",\"netnsDev\":1,\"netnsIno\":2,"
            + "\"state\":\"ADDED\",\"callerUid\":0,\"createdMillis\":5,\"config\":{},\"result\":{\"ips\":[]}}",
        "{\"containerId\":\"nulls\",\"ifName\":\"vmi0\",\"network\":null,\"vmi\":null,\"netns\":null,\"state\":\"ADDING\","
            + "\"config\":null,\"result\":null,\"podUid\":null}",
    })
    void readsEntriesFromBeforeAFieldExistedAsDataBindingDoes(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(codec.read(bytes)).isEqualTo(BINDING.readValue(bytes, LedgerEntry.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"containerId\":\"c\",\"state\":\"GONE\"}", "{\"containerId\":7,\"state\":\"ADDED\"}",
        "{\"state\":\"ADDED\",\"netnsIno\":\"many\"}", "{\"containerId\":\"c\",\"state\":\"ADDED\"", "{\"containerId\":\"c\"}"})
    void refusesWhatIsNotAnEntry(String text) {
        assertThatThrownBy(() -> codec.read(text.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }
}
