package dev.podnic.binding.dhcp.server;

import static dev.podnic.json.JsonFields.intValue;
import static dev.podnic.json.JsonFields.text;
import static dev.podnic.json.JsonFields.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A served lease as a file beside its server: what a restarted node daemon serves again, and what
 * an operator reads to see what a vNIC's guest is told. Addresses as text, routes as podnic prints
 * them ("10.0.0.0/24 via 10.0.0.1", "169.254.75.1/32 on-link").
 */
final class ServedLeaseJson {
    private static final Pattern HEX_DUID = Pattern.compile("([0-9a-f]{2}){2,130}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String VIA = " via ";
    private static final String ON_LINK = " on-link";

    private ServedLeaseJson() {
    }

    static byte[] write(ServedLease l) {
        ObjectNode o = NODES.objectNode();
        o.put("serverId", literal(l.serverId())).put("address", literal(l.address())).put("gateway", literal(l.gateway()));
        strings(o.putArray("routes"), l.routes().stream().map(GuestRoute::toString).toList());
        o.put("mtu", l.mtu());
        strings(o.putArray("dns"), l.dns().stream().map(IpLiteral::format).toList());
        strings(o.putArray("search"), l.search());
        o.put("domain", l.domain()).put("hostname", l.hostname()).put("leaseSeconds", l.leaseSeconds())
                .put("address6", literal(l.address6()));
        strings(o.putArray("dns6"), l.dns6().stream().map(IpLiteral::format).toList());
        o.put("duid", l.duid());
        if (l.router6() != null) {
            o.putObject("router6").put("router", literal(l.router6().router())).put("onLink", l.router6().onLink());
        }
        return JsonTrees.pretty(o).getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IOException naming what is wrong, for a file that is not a lease */
    static ServedLease read(byte[] json) throws IOException {
        JsonNode o = JsonTrees.read(json);
        if (!o.isObject()) {
            throw new IOException("not a JSON object");
        }
        try {
            return new ServedLease(address(text(o, "serverId")), net(text(o, "address")), address(text(o, "gateway")),
                    orEmpty(texts(o, "routes")).stream().map(ServedLeaseJson::route).toList(), intValue(o, "mtu"),
                    orEmpty(texts(o, "dns")).stream().map(IpLiteral::parse).toList(), orEmpty(texts(o, "search")),
                    text(o, "domain"), text(o, "hostname"), intValue(o, "leaseSeconds"), net(text(o, "address6")),
                    orEmpty(texts(o, "dns6")).stream().map(IpLiteral::parse).toList(), requireHex(text(o, "duid")), router6(o));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Absent in the lease files of a podnic that advertised with a podnic-ra process. */
    private static ServedLease.Router6 router6(JsonNode o) {
        JsonNode r = o.get("router6");
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isObject() || !r.path("onLink").isBoolean()) {
            throw new IllegalArgumentException("router6 must be {\"router\": ADDRESS or null, \"onLink\": true or false}");
        }
        return new ServedLease.Router6(address(r.path("router").isTextual() ? r.path("router").asText() : null), r.path("onLink").asBoolean());
    }

    private static GuestRoute route(String text) {
        if (text.endsWith(ON_LINK)) {
            return new GuestRoute(IpNet.parse(text.substring(0, text.length() - ON_LINK.length())), null);
        }
        int via = text.indexOf(VIA);
        if (via < 0) {
            throw new IllegalArgumentException("route \"" + text + "\" is neither \"DST via GW\" nor \"DST on-link\"");
        }
        return new GuestRoute(IpNet.parse(text.substring(0, via)), IpLiteral.parse(text.substring(via + VIA.length())));
    }

    private static String requireHex(String duid) {
        if (duid == null || !HEX_DUID.matcher(duid).matches()) {
            throw new IllegalArgumentException("duid \"" + duid + "\" is not 2 to 130 bytes in lower-case hex");
        }
        return duid;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static String literal(InetAddress a) {
        return a == null ? null : IpLiteral.format(a);
    }

    private static String literal(IpNet n) {
        return n == null ? null : n.toString();
    }

    private static InetAddress address(String s) {
        return s == null ? null : IpLiteral.parse(s);
    }

    private static IpNet net(String s) {
        return s == null ? null : IpNet.parse(s);
    }
}
