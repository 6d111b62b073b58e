package dev.podnic.binding.dhcp.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Domain names as DNS writes them (RFC 1035 3.1: length-prefixed labels, a zero byte at the end),
 * uncompressed: the value of DHCPv4's domain search option (119, RFC 3397) and DHCPv6's domain list
 * (24, RFC 8415 21.8 via RFC 3646).
 */
final class DomainNames {
    /** Letters, digits, hyphens (RFC 1123), and underscores, which resolvers accept in search domains. */
    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

    private DomainNames() {
    }

    /**
     * @throws IllegalArgumentException for a name that DNS cannot carry (an empty label, a label
     *                                  over 63 bytes or with other characters, a name over 255 bytes)
     */
    static byte[] encode(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            int start = out.size();
            if (!n.isEmpty()) {
                for (String label : n.split("\\.", -1)) {
                    byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                    if (b.length == 0 || b.length > 63 || !LABEL.matcher(label).matches()) {
                        throw new IllegalArgumentException("\"" + name + "\" is not a domain name DNS can carry");
                    }
                    out.write(b.length);
                    out.write(b, 0, b.length);
                }
            }
            out.write(0);
            if (out.size() - start > 255) {
                throw new IllegalArgumentException("\"" + name + "\" is longer than 255 bytes");
            }
        }
        return out.toByteArray();
    }
}
