package dev.podnic.binding.record;

import static dev.podnic.json.JsonFields.intValue;
import static dev.podnic.json.JsonFields.object;
import static dev.podnic.json.JsonFields.text;
import static dev.podnic.json.JsonFields.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.json.JsonTrees;
import dev.podnic.store.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A VM's record file: the records' components as JSON fields in their order, indented — the text
 * Jackson's data binding of {@link VmiRecord} writes with INDENT_OUTPUT and reads (VmiRecordJsonTest
 * holds them equal both ways), written out by hand so that a launcher's `vmi up` needs no
 * ObjectMapper (~90 ms to build cold) nor the introspection of five record types (~60 ms more) before
 * its first request. Fields it does not know are ignored; absent ones are null, 0 or empty.
 */
final class VmiRecordJson implements JsonCodec<VmiRecord> {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public byte[] write(VmiRecord r) {
        ObjectNode o = NODES.objectNode();
        o.put("namespace", r.namespace()).put("name", r.name()).put("identity", r.identity()).put("containerId", r.containerId())
                .put("podNetns", r.podNetns()).put("network", r.network()).put("backend", r.backend());
        ArrayNode nics = o.putArray("nics");
        r.nics().forEach(n -> nics.add(nic(n)));
        o.put("domain", r.domain());
        return JsonTrees.pretty(o).getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode nic(VNicRecord n) {
        ObjectNode o = NODES.objectNode();
        o.put("index", n.index()).put("name", n.name()).put("mac", n.mac()).put("model", n.model()).put("vmiInterface", n.vmiInterface())
                .put("bridge", n.bridge()).put("step", n.step() == null ? null : n.step().name());
        o.set("facts", n.facts() == null ? NODES.nullNode() : facts(n.facts()));
        if (n.dhcp() == null) {
            o.putNull("dhcp");
        } else {
            o.putObject("dhcp").put("backend", n.dhcp().backend()).put("bridge", n.dhcp().bridge()).put("ref", n.dhcp().ref());
        }
        o.put("address", n.address()).put("gateway", n.gateway());
        strings(o.putArray("routes"), n.routes());
        o.put("mtu", n.mtu());
        strings(o.putArray("dns"), n.dns());
        o.put("address6", n.address6()).put("router6", n.router6());
        return o;
    }

    private static ObjectNode facts(RecordedFacts f) {
        ObjectNode o = NODES.objectNode().put("mtu", f.mtu());
        ArrayNode routes = o.putArray("routes");
        f.routes().forEach(r -> routes.addObject().put("destination", r.destination()).put("gateway", r.gateway()));
        strings(o.putArray("nameservers"), f.nameservers());
        strings(o.putArray("search"), f.search());
        o.put("routerLinkLocal", f.routerLinkLocal());
        return o;
    }

    private static void strings(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }

    @Override
    public VmiRecord read(byte[] json) throws IOException {
        JsonNode o = JsonTrees.read(json);
        if (!o.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode nics = o.get("nics");
        if (nics == null || !nics.isArray()) {
            throw new IOException("nics is not an array");
        }
        List<VNicRecord> list = new ArrayList<>();
        for (JsonNode n : nics) {
            list.add(nic(n));
        }
        return new VmiRecord(text(o, "namespace"), text(o, "name"), text(o, "identity"), text(o, "containerId"), text(o, "podNetns"),
                text(o, "network"), text(o, "backend"), list, text(o, "domain"));
    }

    private static VNicRecord nic(JsonNode n) throws IOException {
        if (!n.isObject()) {
            throw new IOException("a vNIC is not a JSON object: " + n);
        }
        String step = text(n, "step");
        Step s;
        try {
            s = step == null ? null : Step.valueOf(step);
        } catch (IllegalArgumentException e) {
            throw new IOException("step " + step + " is none of " + List.of(Step.values()));
        }
        JsonNode dhcp = object(n, "dhcp");
        return new VNicRecord(new VNicRecord.Nic(intValue(n, "index"), text(n, "name"), text(n, "mac"), text(n, "model"),
                text(n, "vmiInterface"), text(n, "bridge")), s, facts(object(n, "facts")),
                dhcp == null ? null : new DhcpServer(text(dhcp, "backend"), text(dhcp, "bridge"), text(dhcp, "ref")),
                new VNicRecord.Guest(text(n, "address"), text(n, "gateway"), texts(n, "routes"), intValue(n, "mtu"), texts(n, "dns"),
                        text(n, "address6"), text(n, "router6")));
    }

    private static RecordedFacts facts(JsonNode f) throws IOException {
        if (f == null) {
            return null;
        }
        List<RecordedFacts.Route> routes = new ArrayList<>();
        JsonNode rs = f.get("routes");
        if (rs != null && !rs.isNull()) {
            if (!rs.isArray()) {
                throw new IOException("facts.routes is not an array");
            }
            for (JsonNode r : rs) {
                routes.add(new RecordedFacts.Route(text(r, "destination"), text(r, "gateway")));
            }
        }
        return new RecordedFacts(intValue(f, "mtu"), routes, texts(f, "nameservers"), texts(f, "search"), text(f, "routerLinkLocal"));
    }
}
