package dev.podnic.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nf_tables batch byte for byte where it is small enough to read, and its shape where it is not. */
class NftCodecTest {
    @Test
    void aDeleteIsBeginEnsureDeleteEnd() {
        List<byte[]> batch = NftCodec.replaceBridgeTable("t", List.of());
        assertThat(batch).hasSize(4);
        // nlmsghdr (len 20, type 0x10 BATCH_BEGIN, flags REQUEST, seq 0, pid 0), nfgenmsg (AF_UNSPEC, v0, res_id 10 big-endian)
        assertThat(HexFormat.of().formatHex(batch.get(0))).isEqualTo("14000000" + "1000" + "0100" + "00000000" + "00000000" + "0000000a");
        // NEWTABLE (0x0a00), REQUEST|ACK|CREATE, nfgenmsg (NFPROTO_BRIDGE 7), NFTA_TABLE_NAME "t\0" padded
        assertThat(HexFormat.of().formatHex(batch.get(1)))
                .isEqualTo("1c000000" + "000a" + "0504" + "00000000" + "00000000" + "07000000" + "0600" + "0100" + "74000000");
        // DELTABLE (0x0a02), REQUEST|ACK
        assertThat(HexFormat.of().formatHex(batch.get(2)))
                .isEqualTo("1c000000" + "020a" + "0500" + "00000000" + "00000000" + "07000000" + "0600" + "0100" + "74000000");
        assertThat(HexFormat.of().formatHex(batch.get(3))).startsWith("14000000" + "1100" + "0100");
    }

    @Test
    void aReplacementCreatesTheTableItsChainsAndTheirRules() {
        List<byte[]> batch = NftCodec.replaceBridgeTable("t", List.of(new NftCodec.Chain("forward", NftCodec.Hook.FORWARD,
                List.of(NftCodec.Drop.udp(NftCodec.Side.IN, "vmi1", 67, 68)))));
        assertThat(batch).extracting(m -> HexFormat.of().formatHex(m, 4, 6))
                .containsExactly("1000", "000a", "020a", "000a", "030a", "060a", "1100");
    }

    @Test
    void namesAndPortsTheKernelWouldRefuseAreRefusedHere() {
        assertThatThrownBy(() -> NftCodec.Drop.udp(NftCodec.Side.IN, "a-name-too-long-x", 67, 68)).hasMessageContaining("1 to 15 bytes");
        assertThatThrownBy(() -> NftCodec.Drop.udp(NftCodec.Side.IN, "vmi1", 68, 67)).hasMessageContaining("UDP_DPORT 68-67");
        assertThatThrownBy(() -> NftCodec.Drop.icmpv6(NftCodec.Side.IN, "vmi1", 133, 256)).hasMessageContaining("ICMPV6_TYPE 133-256");
    }
}
