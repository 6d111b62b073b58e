package dev.podnic.node.ledger;

import static dev.podnic.json.JsonFields.intValue;
import static dev.podnic.json.JsonFields.longValue;
import static dev.podnic.json.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.json.JsonTrees;
import dev.podnic.store.JsonCodec;
import java.io.IOException;

/**
 * A ledger entry's file: the record's components as JSON fields, in their order — the text Jackson's
 * data binding of {@link LedgerEntry} writes and reads (LedgerEntryJsonTest holds them equal), written
 * out by hand so that a cold `podnic node ls` needs no ObjectMapper (~90 ms to build) nor the
 * introspection of the record (~30 ms more). Fields it does not know are ignored (data binding would
 * refuse the entry); absent ones are null or 0, a missing state is an error.
 */
final class LedgerEntryJson implements JsonCodec<LedgerEntry> {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public byte[] write(LedgerEntry e) {
        ObjectNode o = NODES.objectNode();
        o.put("containerId", e.containerId()).put("ifName", e.ifName()).put("network", e.network()).put("vmi", e.vmi())
                .put("netns", e.netns()).put("netnsDev", e.netnsDev()).put("netnsIno", e.netnsIno())
                .put("state", e.state() == null ? null : e.state().name()).put("callerUid", e.callerUid())
                .put("createdMillis", e.createdMillis());
        o.set("config", e.config() == null ? NODES.nullNode() : e.config());
        o.set("result", e.result() == null ? NODES.nullNode() : e.result());
        o.put("podUid", e.podUid());
        return JsonTrees.write(o);
    }

    @Override
    public LedgerEntry read(byte[] json) throws IOException {
        JsonNode o = JsonTrees.read(json);
        if (!o.isObject()) {
            throw new IOException("not a JSON object");
        }
        String state = text(o, "state");
        LedgerEntry.State s;
        try {
            s = LedgerEntry.State.valueOf(state);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("state " + state + " is none of ADDING, ADDED, DELETING");
        }
        return new LedgerEntry(text(o, "containerId"), text(o, "ifName"), text(o, "network"), text(o, "vmi"), text(o, "netns"),
                longValue(o, "netnsDev"), longValue(o, "netnsIno"), s, intValue(o, "callerUid"), longValue(o, "createdMillis"),
                tree(o, "config"), tree(o, "result"), text(o, "podUid"));
    }

    /** The field's tree; JSON null is a NullNode and an absent field null, as data binding has it. */
    private static JsonNode tree(JsonNode o, String field) {
        return o.get(field);
    }
}
