package dev.podnic.inet;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** An Ethernet (EUI-48) address. */
public record MacAddress(byte[] bytes) {
    private static final Pattern TEXT = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

    public MacAddress {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Parses "aa:bb:cc:dd:ee:ff" (case-insensitive). */
    public static MacAddress parse(String text) {
        if (text == null || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a MAC address (expected six hex pairs like 02:00:00:00:00:01)");
        }
        return new MacAddress(HexFormat.ofDelimiter(":").parseHex(text.toLowerCase()));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The group bit: multicast and broadcast addresses cannot be a NIC's own address. */
    public boolean isMulticast() {
        return (bytes[0] & 1) != 0;
    }

    public boolean isZero() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Usable as a unicast interface address. */
    public boolean isUnicast() {
        return !isMulticast() && !isZero();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && java.util.Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
