package dev.podnic.guest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One report of the guest in follow mode (a {@code PODNIC-FOLLOW} line of its console, see the
 * image's init): its uptime, and for its first NIC the carrier, global addresses and default
 * routers it holds now, and how the checks went.
 */
public record FollowLine(double uptime, boolean carrier, List<String> ipv4, List<String> ipv6, List<String> routers4,
                         List<String> routers6, Map<String, Boolean> pings) {

    public static List<FollowLine> parseAll(String console) {
        List<FollowLine> out = new ArrayList<>();
        for (String raw : console.split("\\r?\\n")) {
            String line = raw.strip();
            if (!line.startsWith("PODNIC-FOLLOW ")) {
                continue;
            }
            Map<String, String> kv = new LinkedHashMap<>();
            for (String f : line.substring("PODNIC-FOLLOW ".length()).split(" ")) {
                int eq = f.indexOf('=');
                if (eq > 0) {
                    kv.putIfAbsent(f.substring(0, eq), f.substring(eq + 1)); // the first NIC's
                }
            }
            Map<String, Boolean> pings = new LinkedHashMap<>();
            for (String p : list(kv.get("pings"))) {
                int colon = p.lastIndexOf(':');
                if (colon > 0) {
                    pings.put(p.substring(0, colon), p.substring(colon + 1).equals("ok"));
                }
            }
            out.add(new FollowLine(Double.parseDouble(kv.getOrDefault("t", "0")), "1".equals(kv.get("carrier")), list(kv.get("ip4")),
                    list(kv.get("ip6")), list(kv.get("router4")), list(kv.get("router6")), pings));
        }
        return out;
    }

    /** Every check passed (and there were some). */
    public boolean pingsOk() {
        return !pings.isEmpty() && pings.values().stream().allMatch(Boolean::booleanValue);
    }

    private static List<String> list(String value) {
        if (value == null || value.equals("-")) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).filter(s -> !s.isEmpty()).toList();
    }
}
