package dev.podnic.api;

import dev.podnic.inet.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * MACs for vNICs that do not name one: locally administered (bit 1 of the first byte set) and
 * unicast (bit 0 clear), from a SHA-256 of the VM's identity and the NIC's index, so the same VM
 * gets the same MACs on every start and on every node.
 */
public final class MacDefaults {
    private MacDefaults() {
    }

    public static MacAddress derive(String identity, int index) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((identity + "/" + index).getBytes(StandardCharsets.UTF_8));
            byte[] mac = Arrays.copyOf(h, 6);
            mac[0] = (byte) ((mac[0] & 0xfc) | 0x02);
            return new MacAddress(mac);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
