package dev.podnic.binding.dhcp.server;

import dev.podnic.inet.IpNet;
import java.nio.ByteBuffer;

/**
 * The router advertisement a vNIC's bridge carries (RFC 4861 4.2, 4.6.2, 4.6.4), as the ICMPv6
 * message whose checksum the kernel fills in: flags M and O (addresses and DNS by DHCPv6), an MTU
 * option, and for an on-link prefix (a bridge network) a prefix option with L set and A clear (no
 * autoconfiguration). No source link-layer option: the guest resolves the router's address by
 * neighbour discovery, and the gateway itself answers. The same bytes as podnic-ra's (held together
 * by a test).
 */
final class RouterAdvertisement {
    static final int ROUTER_LIFETIME = 1800;
    private static final int TYPE = 134;
    private static final int OPTION_PREFIX = 3;
    private static final int OPTION_MTU = 5;
    private static final int PREFIX_VALID = 86400;
    private static final int PREFIX_PREFERRED = 14400;

    private RouterAdvertisement() {
    }

    /**
     * @param lifetime the router lifetime in seconds: {@link #ROUTER_LIFETIME}, or 0 to withdraw the
     *                 default route (and always 0 when the advertiser knows no router)
     * @param onLink   the on-link prefix; null for none (a routed network)
     */
    static byte[] bytes(boolean router, int lifetime, int mtu, IpNet onLink) {
        ByteBuffer b = ByteBuffer.allocate(onLink == null ? 24 : 56);
        b.put((byte) TYPE).put((byte) 0).putShort((short) 0);          // type, code, checksum (the kernel's)
        b.put((byte) 0).put((byte) 0xc0).putShort((short) (router ? lifetime : 0)); // hop limit unspecified, M and O
        b.putInt(0).putInt(0);                                           // reachable time, retransmission timer
        b.put((byte) OPTION_MTU).put((byte) 1).putShort((short) 0).putInt(mtu);
        if (onLink != null) {
            b.put((byte) OPTION_PREFIX).put((byte) 4).put((byte) onLink.prefixLength()).put((byte) 0x80); // L, not A
            b.putInt(PREFIX_VALID).putInt(PREFIX_PREFERRED).putInt(0);
            b.put(onLink.network().address().getAddress());
        }
        return b.array();
    }
}
