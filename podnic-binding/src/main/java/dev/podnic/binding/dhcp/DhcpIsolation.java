package dev.podnic.binding.dhcp;

import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.wire.NftCodec.Chain;
import dev.podnic.netlink.wire.NftCodec.Drop;
import dev.podnic.netlink.wire.NftCodec.Hook;
import dev.podnic.netlink.wire.NftCodec.Side;
import java.util.List;

/**
 * Keeps address configuration on the VM's side of a vNIC's bridge: an nftables table (bridge family,
 * in the pod) drops DHCP (v4: UDP 67-68; v6: UDP 546-547) and IPv6 router solicitations and
 * advertisements (ICMPv6 133-134) that would cross the VMI interface in either direction — the
 * guest's requests never reach the cluster network's servers or routers, other pods' requests never
 * reach the vNIC's server, and neither the server's answers nor a guest's own router advertisements
 * (a hostile guest's, say) reach the other pods on the node's bridge. Without it a server that
 * answers any client (the KubeVirt binding's) would hand the guest's address to whoever asks.
 * One table per vNIC bridge ({@code podnic_<bridge>}), replaced atomically, removed with the vNIC;
 * written through nf_tables' netlink interface in-process ({@link NetfilterTables}).
 */
public final class DhcpIsolation {
    private static final int BOOTPS = 67;
    private static final int BOOTPC = 68;
    private static final int DHCPV6_CLIENT = 546;
    private static final int DHCPV6_SERVER = 547;
    private static final int ROUTER_SOLICITATION = 133;
    private static final int ROUTER_ADVERTISEMENT = 134;

    private final NetfilterTables tables;

    public DhcpIsolation(NetfilterTables tables) {
        this.tables = tables;
    }

    public static String table(String bridge) {
        return "podnic_" + bridge.replace('-', '_');
    }

    /**
     * The chains: packets bridged between the VMI interface and the VM (forward), to the server on
     * the bridge (input) and from it (output).
     *
     * @param vmiInterface the bridge's port toward the cluster network
     */
    static List<Chain> chains(String vmiInterface) {
        List<Drop> in = drops(Side.IN, vmiInterface);
        List<Drop> out = drops(Side.OUT, vmiInterface);
        List<Drop> both = new java.util.ArrayList<>(in);
        both.addAll(out);
        return List.of(new Chain("forward", Hook.FORWARD, both), new Chain("input", Hook.INPUT, in),
                new Chain("output", Hook.OUTPUT, out));
    }

    private static List<Drop> drops(Side side, String port) {
        return List.of(Drop.udp(side, port, BOOTPS, BOOTPC), Drop.udp(side, port, DHCPV6_CLIENT, DHCPV6_SERVER),
                Drop.icmpv6(side, port, ROUTER_SOLICITATION, ROUTER_ADVERTISEMENT));
    }

    public void apply(String bridge, String vmiInterface) {
        try {
            tables.replaceBridgeTable(table(bridge), chains(vmiInterface));
        } catch (RuntimeException e) {
            throw new DhcpException("isolate DHCP on " + vmiInterface + ": " + e.getMessage());
        }
    }

    /** Idempotent: nothing to do when the table is gone. */
    public void remove(String bridge) {
        try {
            tables.deleteBridgeTable(table(bridge));
        } catch (RuntimeException e) {
            throw new DhcpException("remove the DHCP isolation of " + bridge + ": " + e.getMessage());
        }
    }
}
