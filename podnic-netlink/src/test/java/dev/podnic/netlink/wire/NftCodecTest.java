package dev.podnic.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nf_tables batch byte for byte where it is small enough to read, and its shape where it is not. */
class NftCodecTest {
    @Test
    void aDeleteIsBeginEnsureDeleteInEachFamilyEnd() {
        List<byte[]> batch = NftCodec.replaceTables("t", List.of());
        assertThat(batch).hasSize(6);
        // nlmsghdr (len 20, type 0x10 BATCH_BEGIN, flags REQUEST, seq 0, pid 0), nfgenmsg (AF_UNSPEC, v0, res_id 10 big-endian)
        assertThat(HexFormat.of().formatHex(batch.get(0))).isEqualTo("14000000" + "1000" + "0100" + "00000000" + "00000000" + "0000000a");
        // NEWTABLE (0x0a00), REQUEST|ACK|CREATE, nfgenmsg (NFPROTO_BRIDGE 7), NFTA_TABLE_NAME "t\0" padded
        assertThat(HexFormat.of().formatHex(batch.get(1)))
                .isEqualTo("1c000000" + "000a" + "0504" + "00000000" + "00000000" + "07000000" + "0600" + "0100" + "74000000");
        // DELTABLE (0x0a02), REQUEST|ACK
        assertThat(HexFormat.of().formatHex(batch.get(2)))
                .isEqualTo("1c000000" + "020a" + "0500" + "00000000" + "00000000" + "07000000" + "0600" + "0100" + "74000000");
        // the same in the ARP family (NFPROTO_ARP 3)
        assertThat(HexFormat.of().formatHex(batch.get(3)))
                .isEqualTo("1c000000" + "000a" + "0504" + "00000000" + "00000000" + "03000000" + "0600" + "0100" + "74000000");
        assertThat(HexFormat.of().formatHex(batch.get(4)))
                .isEqualTo("1c000000" + "020a" + "0500" + "00000000" + "00000000" + "03000000" + "0600" + "0100" + "74000000");
        assertThat(HexFormat.of().formatHex(batch.get(5))).startsWith("14000000" + "1100" + "0100");
    }

    @Test
    void aReplacementCreatesTheTableItsChainsAndTheirRules() {
        List<byte[]> batch = NftCodec.replaceTables("t", List.of(new NftCodec.Chain("forward", NftCodec.Hook.FORWARD,
                List.of(NftCodec.Drop.udp(NftCodec.Side.IN, "vmi1", 67, 68)))));
        assertThat(batch).extracting(m -> HexFormat.of().formatHex(m, 4, 6))
                .containsExactly("1000", "000a", "020a", "000a", "020a", "000a", "030a", "060a", "1100");
        assertThat(batch.get(5)[16]).as("the new table's family").isEqualTo((byte) NftCodec.NFPROTO_BRIDGE);
    }

    /** {@code iifname "vmi1" drop}: meta iifname into reg 1, cmp eq, immediate drop — nft's own three expressions. */
    @Test
    void aRuleDroppingEverythingOnAPortIsMetaCmpImmediate() {
        List<byte[]> batch = NftCodec.replaceTables("t", List.of(new NftCodec.Chain("input", NftCodec.Hook.INPUT,
                List.of(NftCodec.Drop.all(NftCodec.Side.IN, "vmi1")))));
        String meta = "2400" + "0180" + "0900" + "0100" + "6d65746100000000"            // elem: "meta"
                + "1400" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000006"; // dreg 1, key IIFNAME
        String cmp = "3800" + "0180" + "0800" + "0100" + "636d7000"                      // elem: "cmp"
                + "2c00" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000000" // sreg 1, op EQ
                + "1800" + "0380" + "1400" + "0100" + "766d6931" + "00".repeat(12);       // data: "vmi1" as IFNAMSIZ bytes
        String drop = "3000" + "0180" + "0e00" + "0100" + "696d6d65646961746500" + "0000" // elem: "immediate"
                + "1c00" + "0280" + "0800" + "0100" + "00000000"                          // dreg VERDICT
                + "1000" + "0280" + "0c00" + "0280" + "0800" + "0100" + "00000000";       // data: verdict: code NF_DROP
        // NEWRULE (0x0a06), REQUEST|ACK|CREATE|APPEND, nfgenmsg (bridge), table "t", chain "input", expressions
        assertThat(HexFormat.of().formatHex(batch.get(7))).isEqualTo("b8000000" + "060a" + "050c" + "00000000" + "00000000"
                + "07000000" + "0600" + "0100" + "74000000" + "0a00" + "0200" + "696e707574000000"
                + "9000" + "0480" + meta + cmp + drop);
    }

    /** {@code iifname != "pdnbr-vmi1" arp daddr ip 169.254.75.1 drop}, as nft --debug=netlink shows it, in an ARP-family table. */
    @Test
    void anArpDropIsMetaCmpNeqPayloadAtTheTargetAddressCmpImmediate() throws Exception {
        List<byte[]> batch = NftCodec.replaceTables("t", List.of(new NftCodec.Chain("arp-input", NftCodec.Hook.ARP_INPUT,
                List.of(new NftCodec.ArpDrop(java.net.InetAddress.getByName("169.254.75.1"), "pdnbr-vmi1")))));
        assertThat(batch).extracting(m -> HexFormat.of().formatHex(m, 4, 6))
                .containsExactly("1000", "000a", "020a", "000a", "020a", "000a", "030a", "060a", "1100");
        String meta = "2400" + "0180" + "0900" + "0100" + "6d65746100000000"
                + "1400" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000006"; // dreg 1, key IIFNAME
        String cmpNeq = "3800" + "0180" + "0800" + "0100" + "636d7000"
                + "2c00" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000001" // sreg 1, op NEQ
                + "1800" + "0380" + "1400" + "0100" + "70646e62722d766d6931" + "00".repeat(6); // "pdnbr-vmi1"
        String payload = "3400" + "0180" + "0c00" + "0100" + "7061796c6f616400"          // elem: "payload"
                + "2400" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000001" // dreg 1, base NETWORK_HEADER
                + "0800" + "0300" + "00000018" + "0800" + "0400" + "00000004";            // offset 24, length 4
        String cmpEq = "2c00" + "0180" + "0800" + "0100" + "636d7000"
                + "2000" + "0280" + "0800" + "0100" + "00000001" + "0800" + "0200" + "00000000" // sreg 1, op EQ
                + "0c00" + "0380" + "0800" + "0100" + "a9fe4b01";                         // 169.254.75.1
        String drop = "3000" + "0180" + "0e00" + "0100" + "696d6d65646961746500" + "0000"
                + "1c00" + "0280" + "0800" + "0100" + "00000000" + "1000" + "0280" + "0c00" + "0280" + "0800" + "0100" + "00000000";
        assertThat(HexFormat.of().formatHex(batch.get(7))).isEqualTo("1c010000" + "060a" + "050c" + "00000000" + "00000000"
                + "03000000" + "0600" + "0100" + "74000000" + "0e00" + "0200" + "6172702d696e70757400" + "0000"
                + "f000" + "0480" + meta + cmpNeq + payload + cmpEq + drop);
    }

    @Test
    void rulesGoOnlyInChainsOfTheirFamilyAndArpIsAboutIpv4() throws Exception {
        assertThatThrownBy(() -> new NftCodec.Chain("input", NftCodec.Hook.INPUT, List.of(new NftCodec.ArpDrop(
                java.net.InetAddress.getByName("169.254.75.1"), "br0")))).hasMessageContaining("cannot hold");
        assertThatThrownBy(() -> new NftCodec.Chain("arp-input", NftCodec.Hook.ARP_INPUT, List.of(NftCodec.Drop.all(NftCodec.Side.IN,
                "vmi1")))).hasMessageContaining("cannot hold");
        assertThatThrownBy(() -> new NftCodec.ArpDrop(java.net.InetAddress.getByName("fe80::1"), "br0")).hasMessageContaining("IPv4");
    }

    @Test
    void namesAndPortsTheKernelWouldRefuseAreRefusedHere() {
        assertThatThrownBy(() -> NftCodec.Drop.udp(NftCodec.Side.IN, "a-name-too-long-x", 67, 68)).hasMessageContaining("1 to 15 bytes");
        assertThatThrownBy(() -> NftCodec.Drop.udp(NftCodec.Side.IN, "vmi1", 68, 67)).hasMessageContaining("UDP_DPORT 68-67");
        assertThatThrownBy(() -> NftCodec.Drop.icmpv6(NftCodec.Side.IN, "vmi1", 133, 256)).hasMessageContaining("ICMPV6_TYPE 133-256");
    }
}
