package dev.podnic.binding.dhcp.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A DHCPv6 client/server message (RFC 8415 section 8: type, 24-bit transaction id, options) and its
 * options (section 21: 16-bit code and length). Options keep their order and may repeat (several
 * IA_NAs); an option's value may itself hold options (IA_NA, IAADDR), read with {@link #options(byte[], int)}.
 */
record Dhcp6Message(int type, int xid, List<Option> options) {
    static final int SOLICIT = 1;
    static final int ADVERTISE = 2;
    static final int REQUEST = 3;
    static final int CONFIRM = 4;
    static final int RENEW = 5;
    static final int REBIND = 6;
    static final int REPLY = 7;
    static final int RELEASE = 8;
    static final int DECLINE = 9;
    static final int INFORMATION_REQUEST = 11;

    static final int CLIENTID = 1;
    static final int SERVERID = 2;
    static final int IA_NA = 3;
    static final int IAADDR = 5;
    static final int PREFERENCE = 7;
    static final int STATUS_CODE = 13;
    static final int DNS_SERVERS = 23;
    static final int DOMAIN_LIST = 24;

    static final int SUCCESS = 0;
    static final int NO_ADDRS_AVAIL = 2;
    static final int NOT_ON_LINK = 4;

    record Option(int code, byte[] value) {
    }

    Dhcp6Message {
        options = List.copyOf(options);
    }

    /** Empty when {@code packet} is not a well-formed message (too short, an option running past the end). */
    static Optional<Dhcp6Message> read(byte[] packet, int length) {
        if (length < 4) {
            return Optional.empty();
        }
        return options(Arrays.copyOfRange(packet, 4, length), 0).map(o -> new Dhcp6Message(packet[0] & 0xff,
                (packet[1] & 0xff) << 16 | (packet[2] & 0xff) << 8 | packet[3] & 0xff, o));
    }

    /** The options from {@code from} on in {@code bytes}; empty when they are malformed. */
    static Optional<List<Option>> options(byte[] bytes, int from) {
        List<Option> out = new ArrayList<>();
        int i = from;
        while (i < bytes.length) {
            if (i + 4 > bytes.length) {
                return Optional.empty();
            }
            int code = u16(bytes, i);
            int len = u16(bytes, i + 2);
            if (i + 4 + len > bytes.length) {
                return Optional.empty();
            }
            out.add(new Option(code, Arrays.copyOfRange(bytes, i + 4, i + 4 + len)));
            i += 4 + len;
        }
        return Optional.of(out);
    }

    Optional<byte[]> first(int code) {
        return options.stream().filter(o -> o.code() == code).map(Option::value).findFirst();
    }

    List<byte[]> all(int code) {
        return options.stream().filter(o -> o.code() == code).map(Option::value).toList();
    }

    byte[] write() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(xid >> 16);
        out.write(xid >> 8);
        out.write(xid);
        byte[] o = encode(options);
        out.write(o, 0, o.length);
        return out.toByteArray();
    }

    static byte[] encode(List<Option> options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Option o : options) {
            out.write(o.code() >> 8);
            out.write(o.code());
            out.write(o.value().length >> 8);
            out.write(o.value().length);
            out.write(o.value(), 0, o.value().length);
        }
        return out.toByteArray();
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }
}
