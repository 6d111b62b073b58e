package dev.podnic.netlink.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.inet.MacAddress;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The probe's all-nodes echo request byte for byte, laid out here from RFC 8200 and RFC 4443. */
class EchoFrameTest {
    @Test
    void anAllNodesEchoRequestInAFrameToOneNeighbour() throws Exception {
        byte[] frame = EchoFrame.toAllNodes(MacAddress.parse("00:11:22:33:44:55"), MacAddress.parse("02:00:00:00:77:01"),
                InetAddress.getByName("fe80::211:22ff:fe33:4455"), 0x1234);
        String ethernet = "020000007701" + "001122334455" + "86dd";          // to the one neighbour, from the link, IPv6
        String ipv6 = "60000000" + "0008" + "3a" + "01"                      // version 6, payload 8, next header ICMPv6, hop limit 1
                + "fe80000000000000021122fffe334455" + "ff020000000000000000000000000001";
        String echo = "80" + "00" + "086a" + "1234" + "0001";                 // echo request, code 0, checksum, identifier, sequence
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(ethernet + ipv6 + echo);
    }

    /** RFC 1071: 16-bit words summed with end-around carry, then complemented; the pseudo-header counts too. */
    @Test
    void theChecksumIsTheOnesComplementOfTheOnesComplementSum() {
        byte[] zeros = new byte[16];
        // pseudo-header of zeros, length 4, next header 58 (0x3a): adds 0004 + 003a to the message's words
        int sum = EchoFrame.checksum(zeros, zeros, new byte[] {0x00, 0x01, (byte) 0xf2, 0x03});
        assertThat(sum).isEqualTo(~(0x0001 + 0xf203 + 0x0004 + 0x003a) & 0xffff);
        assertThat(EchoFrame.checksum(zeros, zeros, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .as("carries folded back in").isEqualTo(~(0xffff + 0x0004 + 0x003a - 0xffff) & 0xffff);
    }

    @Test
    void theSourceIsAnIpv6Address() throws Exception {
        assertThatThrownBy(() -> EchoFrame.toAllNodes(MacAddress.parse("00:11:22:33:44:55"), MacAddress.parse("02:00:00:00:77:01"),
                InetAddress.getByName("10.0.0.1"), 1)).hasMessageContaining("IPv6");
    }
}
