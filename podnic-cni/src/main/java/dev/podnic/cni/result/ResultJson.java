package dev.podnic.cni.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads CNI results of every spec version into {@link CniResult} and writes them in any version,
 * following libcni's conversion rules: 0.1.0/0.2.0 keep only the first IPv4 and first IPv6
 * address (routes go to the family of their destination) and no interfaces; 0.3.x/0.4.0 add a
 * per-address "version"; 1.0.0 drops it; 1.1.0 adds interface mtu/socketPath/pciID and route
 * mtu/advmss/priority/table/scope. Keys are written in the order of the spec's examples.
 */
public final class ResultJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ResultJson() {
    }

    /**
     * Reads a result. Its own "cniVersion" decides the layout; when missing (plugins older than
     * 0.2.0 omitted it) {@code assumed} is used.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public static CniResult parse(JsonNode node, SpecVersion assumed) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("result is not a JSON object");
        }
        SpecVersion version = node.hasNonNull("cniVersion")
                ? SpecVersion.parse(node.get("cniVersion").asText()) : assumed;
        Dns dns = parseDns(node.get("dns"));
        if (version.isLegacyResult()) {
            return parseLegacy(node, version, dns);
        }
        List<ResultInterface> interfaces = new ArrayList<>();
        for (JsonNode i : array(node, "interfaces")) {
            interfaces.add(new ResultInterface(text(i, "name"), text(i, "mac"), integer(i, "mtu"),
                    text(i, "sandbox"), text(i, "socketPath"), text(i, "pciID")));
        }
        List<IpConfig> ips = new ArrayList<>();
        int n = 0;
        for (JsonNode ip : array(node, "ips")) {
            String field = "ips[" + n++ + "]";
            Integer index = integer(ip, "interface");
            if (index != null && (index < 0 || index >= interfaces.size())) {
                throw new IllegalArgumentException(field + ".interface " + index + " does not index interfaces[]"
                        + " (" + interfaces.size() + " entries)");
            }
            ips.add(new IpConfig(index, ipNet(ip, "address", field), address(ip, "gateway", field)));
        }
        return new CniResult(version, interfaces, ips, parseRoutes(array(node, "routes"), "routes"), dns);
    }

    private static CniResult parseLegacy(JsonNode node, SpecVersion version, Dns dns) {
        List<IpConfig> ips = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        for (String family : List.of("ip4", "ip6")) {
            JsonNode ip = node.get(family);
            if (ip == null || ip.isNull()) {
                continue;
            }
            ips.add(new IpConfig(null, ipNet(ip, "ip", family), address(ip, "gateway", family)));
            routes.addAll(parseRoutes(array(ip, "routes"), family + ".routes"));
        }
        return new CniResult(version, List.of(), ips, routes, dns);
    }

    private static List<Route> parseRoutes(Iterable<JsonNode> nodes, String field) {
        List<Route> routes = new ArrayList<>();
        int n = 0;
        for (JsonNode r : nodes) {
            String f = field + "[" + n++ + "]";
            routes.add(new Route(ipNet(r, "dst", f), address(r, "gw", f), integer(r, "mtu"), integer(r, "advmss"),
                    integer(r, "priority"), integer(r, "table"), integer(r, "scope")));
        }
        return routes;
    }

    private static Dns parseDns(JsonNode dns) {
        if (dns == null || !dns.isObject()) {
            return Dns.EMPTY;
        }
        return new Dns(strings(dns, "nameservers"), text(dns, "domain"), strings(dns, "search"),
                strings(dns, "options"));
    }

    /**
     * Writes {@code result} in spec version {@code target}.
     *
     * @throws IllegalArgumentException when the target cannot hold the result (0.1.0/0.2.0 need
     *                                  at least one address)
     */
    public static ObjectNode write(CniResult result, SpecVersion target) {
        ObjectNode out = JSON.objectNode();
        out.put("cniVersion", target.text());
        if (target.isLegacyResult()) {
            writeLegacy(result, out);
        } else {
            writeCurrent(result, target, out);
        }
        // Always, as libcni and the plugins print it: Go's omitempty never omits a struct.
        out.set("dns", writeDns(result.dns()));
        return out;
    }

    private static void writeCurrent(CniResult result, SpecVersion target, ObjectNode out) {
        boolean v11 = target.atLeast(SpecVersion.V1_1_0);
        if (!result.interfaces().isEmpty()) {
            ArrayNode interfaces = out.putArray("interfaces");
            for (ResultInterface i : result.interfaces()) {
                ObjectNode o = interfaces.addObject();
                o.put("name", i.name());
                putIfSet(o, "mac", i.mac());
                if (v11) {
                    putIfSet(o, "mtu", i.mtu());
                }
                putIfSet(o, "sandbox", i.sandbox());
                if (v11) {
                    putIfSet(o, "socketPath", i.socketPath());
                    putIfSet(o, "pciID", i.pciId());
                }
            }
        }
        if (!result.ips().isEmpty()) {
            ArrayNode ips = out.putArray("ips");
            for (IpConfig ip : result.ips()) {
                ObjectNode o = ips.addObject();
                if (!target.atLeast(SpecVersion.V1_0_0)) {
                    o.put("version", ip.isIpv4() ? "4" : "6");
                }
                putIfSet(o, "interface", ip.interfaceIndex());
                o.put("address", ip.address().toString());
                putIfSet(o, "gateway", ip.gateway());
            }
        }
        if (!result.routes().isEmpty()) {
            ArrayNode routes = out.putArray("routes");
            for (Route r : result.routes()) {
                routes.add(writeRoute(v11 ? r : r.withoutExtensions()));
            }
        }
    }

    private static void writeLegacy(CniResult result, ObjectNode out) {
        Optional<IpConfig> ip4 = result.ips().stream().filter(IpConfig::isIpv4).findFirst();
        Optional<IpConfig> ip6 = result.ips().stream().filter(ip -> !ip.isIpv4()).findFirst();
        if (ip4.isEmpty() && ip6.isEmpty()) {
            throw new IllegalArgumentException("cannot convert to 0.1.0/0.2.0: the result has no IP address");
        }
        ip4.ifPresent(ip -> out.set("ip4", legacyIp(ip, result.routes(), true)));
        ip6.ifPresent(ip -> out.set("ip6", legacyIp(ip, result.routes(), false)));
    }

    private static ObjectNode legacyIp(IpConfig ip, List<Route> allRoutes, boolean v4) {
        ObjectNode o = JSON.objectNode();
        o.put("ip", ip.address().toString());
        putIfSet(o, "gateway", ip.gateway());
        List<Route> routes = allRoutes.stream().filter(r -> r.dst().isIpv4() == v4).toList();
        if (!routes.isEmpty()) {
            ArrayNode arr = o.putArray("routes");
            routes.forEach(r -> arr.add(writeRoute(r.withoutExtensions())));
        }
        return o;
    }

    private static ObjectNode writeRoute(Route r) {
        ObjectNode o = JSON.objectNode();
        o.put("dst", r.dst().toString());
        putIfSet(o, "gw", r.gw());
        putIfSet(o, "mtu", r.mtu());
        putIfSet(o, "advmss", r.advmss());
        putIfSet(o, "priority", r.priority());
        putIfSet(o, "table", r.table());
        putIfSet(o, "scope", r.scope());
        return o;
    }

    private static ObjectNode writeDns(Dns dns) {
        ObjectNode o = JSON.objectNode();
        putStrings(o, "nameservers", dns.nameservers());
        putIfSet(o, "domain", dns.domain());
        putStrings(o, "search", dns.search());
        putStrings(o, "options", dns.options());
        return o;
    }

    private static void putStrings(ObjectNode o, String key, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode arr = o.putArray(key);
            values.forEach(arr::add);
        }
    }

    private static void putIfSet(ObjectNode o, String key, Object value) {
        if (value instanceof Integer i) {
            o.put(key, i);
        } else if (value instanceof InetAddress a) {
            o.put(key, IpLiteral.format(a));
        } else if (value instanceof String s && !s.isEmpty()) {
            o.put(key, s);
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("\"" + key + "\" must be an array");
        }
        return v;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException("\"" + key + "\" must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static List<String> strings(JsonNode node, String key) {
        List<String> out = new ArrayList<>();
        array(node, key).forEach(v -> out.add(v.asText()));
        return out;
    }

    private static IpNet ipNet(JsonNode node, String key, String field) {
        String v = text(node, key);
        if (v == null) {
            throw new IllegalArgumentException(field + "." + key + " is missing");
        }
        try {
            return IpNet.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + "." + key + ": " + e.getMessage());
        }
    }

    private static InetAddress address(JsonNode node, String key, String field) {
        String v = text(node, key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return IpLiteral.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + "." + key + ": " + e.getMessage());
        }
    }
}
