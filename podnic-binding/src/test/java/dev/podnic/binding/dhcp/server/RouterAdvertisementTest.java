package dev.podnic.binding.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.inet.IpNet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The advertisement the daemon's loop sends, byte for byte as RFC 4861 lays it out — the same bytes
 * PodnicRaTest pins for podnic-ra's, so that both advertisers say the same.
 */
class RouterAdvertisementTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void anOnLinkPrefixAdvertisement() {
        assertThat(hex(RouterAdvertisement.bytes(true, RouterAdvertisement.ROUTER_LIFETIME, 1450, IpNet.parse("fd00:26::/64"))))
                .isEqualTo("86" + "00" + "0000"      // type 134, code 0, checksum (the kernel's)
                        + "00" + "c0" + "0708"       // hop limit unspecified, M and O, router lifetime 1800 s
                        + "00000000" + "00000000"    // reachable time, retransmission timer: unspecified
                        + "05" + "01" + "0000" + "000005aa"                       // MTU 1450
                        + "03" + "04" + "40" + "80" + "00015180" + "00003840" + "00000000" // prefix /64, L set, A clear, 1 d / 4 h
                        + "fd000026000000000000000000000000");
    }

    @Test
    void aRoutedNetworkGetsNoPrefixAndAnUnknownGatewayNoRouterLifetime() {
        assertThat(hex(RouterAdvertisement.bytes(true, RouterAdvertisement.ROUTER_LIFETIME, 1500, null)))
                .isEqualTo("8600000000c00708000000000000000005010000000005dc");
        assertThat(hex(RouterAdvertisement.bytes(false, RouterAdvertisement.ROUTER_LIFETIME, 1500, null)))
                .isEqualTo("8600000000c00000000000000000000005010000000005dc");
    }

    @Test
    void theLastOneWithdrawsTheDefaultRoute() {
        assertThat(hex(RouterAdvertisement.bytes(true, 0, 1500, null))).isEqualTo("8600000000c00000000000000000000005010000000005dc");
    }
}
