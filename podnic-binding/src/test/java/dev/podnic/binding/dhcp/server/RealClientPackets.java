package dev.podnic.binding.dhcp.server;

import java.util.HexFormat;

/**
 * Requests as real clients sent them (UDP payloads captured with tcpdump on a bridge, 2026-12-02):
 * busybox 1.35 udhcpc with MAC 02:00:00:00:0a:01 and ISC dhclient 4.4 -6 on the same NIC, both
 * talking to dnsmasq 2.90 (whose DHCPv6 identity the REQUEST names), lease 10.9.0.5 / fd00:9::5.
 */
final class RealClientPackets {
    /** udhcpc's DISCOVER: xid f8e7e732, parameter request list 1 3 6 12 15 26 28 42 119 121, vendor class "udhcp 1.35.0". */
    static final byte[] UDHCPC_DISCOVER = hex("01010600f8e7e7320000000000000000000000000000000000000000020000000a01"
            + "0".repeat(2 * (236 - 34))
            + "6382536335010139020240370a0103060c0f1a1c2a77793c0c756468637020312e33352e303d0701020000000a01ff"
            + "0000000000000000000000000000000000");
    /** udhcpc's REQUEST selecting 169.254.75.1's offer of 10.9.0.5 (options 50 and 54). */
    static final byte[] UDHCPC_REQUEST = hex("01010600f8e7e7320000000000000000000000000000000000000000020000000a01"
            + "0".repeat(2 * (236 - 34))
            + "6382536335010332040a0900053604a9fe4b0139020240370a0103060c0f1a1c2a77793c0c756468637020312e33352e30"
            + "3d0701020000000a01ff0000000000");
    /** dhclient's SOLICIT: client DUID-LLT, ORO (23 24 39 31), elapsed time, IA_NA with IAID 00000a01. */
    static final byte[] DHCLIENT_SOLICIT = hex("01c6c8b90001000e0001000132a28ea2020000000a0100060008001700180027001f"
            + "0008000200000003000c00000a0100000e1000001518");
    /** dhclient's REQUEST to dnsmasq's DUID for fd00:9::5 in IA_NA 00000a01. */
    static final byte[] DHCLIENT_REQUEST = hex("0324d2670001000e0001000132a28ea2020000000a010002000e0001000132a28e9f"
            + "82bef9b3c65100060008001700180027001f0008000200000003002800000a0100000e100000151800050018fd00000900"
            + "000000000000000000000500001c2000001d4c");
    /** dnsmasq's DUID (the REQUEST's server identifier). */
    static final String DNSMASQ_DUID = "0001000132a28e9f82bef9b3c651";
    static final String CLIENT_DUID = "0001000132a28ea2020000000a01";

    private RealClientPackets() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
