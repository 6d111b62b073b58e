package dev.podnic.guest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the guest reported on its serial console: per NIC (by MAC) the DHCP values it received and
 * how long the lease took; with IPv6, per NIC the address and default router it ended up with
 * ({@code ip6}, {@code router6}; "-" for none) and how long that took from link up; the checks it
 * ran, and whether it finished.
 */
public record ConsoleReport(Map<String, Map<String, String>> leasesByMac, Map<String, Double> leaseSecondsByIf,
                            Map<String, Boolean> pings, boolean done, Map<String, Map<String, String>> ipv6ByMac,
                            Map<String, Double> ipv6SecondsByIf) {

    /**
     * The report in {@code console} as far as it is written: a last line the guest is still writing (no newline yet)
     * is not read, and a line the kernel's own messages broke is skipped, not taken for a value.
     */
    public static ConsoleReport parse(String console) {
        Map<String, Map<String, String>> leases = new LinkedHashMap<>();
        Map<String, Double> times = new LinkedHashMap<>();
        Map<String, Map<String, String>> leases6 = new LinkedHashMap<>();
        Map<String, Double> times6 = new LinkedHashMap<>();
        Map<String, Boolean> pings = new LinkedHashMap<>();
        boolean done = false;
        String complete = console.substring(0, console.lastIndexOf('\n') + 1);
        for (String raw : complete.split("\\r?\\n")) {
            String line = raw.strip();
            if (line.startsWith("PODNIC-LEASE ")) {
                Map<String, String> kv = fields(line);
                leases.put(kv.get("mac"), kv);
            } else if (line.startsWith("PODNIC-LEASE-TIME ")) {
                Map<String, String> kv = fields(line);
                seconds(kv).ifPresent(t -> times.put(kv.get("if"), t));
            } else if (line.startsWith("PODNIC-LEASE6 ")) {
                Map<String, String> kv = fields(line);
                leases6.put(kv.get("mac"), kv);
            } else if (line.startsWith("PODNIC-LEASE6-TIME ")) {
                Map<String, String> kv = fields(line);
                seconds(kv).ifPresent(t -> times6.put(kv.get("if"), t));
            } else if (line.startsWith("PODNIC-PING ")) {
                String[] f = line.split(" ");
                pings.put(f[1], f.length > 2 && f[2].equals("ok"));
            } else if (line.equals("PODNIC-DONE")) {
                done = true;
            }
        }
        return new ConsoleReport(leases, times, pings, done, leases6, times6);
    }

    /** end − start of a timing line; empty when either is missing or not a number (a broken line). */
    private static java.util.Optional<Double> seconds(Map<String, String> kv) {
        String start = kv.get("start");
        String end = kv.get("end");
        if (start == null || end == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Double.parseDouble(end) - Double.parseDouble(start));
        } catch (NumberFormatException broken) {
            return java.util.Optional.empty();
        }
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String f : line.split(" ")) {
            int eq = f.indexOf('=');
            if (eq > 0) {
                kv.put(f.substring(0, eq), f.substring(eq + 1));
            }
        }
        return kv;
    }
}
