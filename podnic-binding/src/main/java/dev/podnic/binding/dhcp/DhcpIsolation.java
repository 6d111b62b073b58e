package dev.podnic.binding.dhcp;

import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.wire.NftCodec.Chain;
import dev.podnic.netlink.wire.NftCodec.Hook;
import dev.podnic.netlink.wire.NftCodec.Side;
import dev.podnic.netlink.wire.NftCodec.UdpDrop;
import java.util.List;

/**
 * Keeps DHCP on the VM's side of a vNIC's bridge: an nftables table (bridge family, in the pod)
 * drops DHCP that would cross the VMI interface in either direction — the guest's requests never
 * reach the cluster network's servers, other pods' requests never reach the vNIC's server, and the
 * server's answers never leave toward the cluster. Without it a server that answers any client
 * (the KubeVirt binding's) would hand the guest's address to whoever asks on the node's bridge.
 * One table per vNIC bridge ({@code podnic_<bridge>}), replaced atomically, removed with the vNIC;
 * written through nf_tables' netlink interface in-process ({@link NetfilterTables}).
 */
public final class DhcpIsolation {
    private static final int BOOTPS = 67;
    private static final int BOOTPC = 68;

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
        UdpDrop in = new UdpDrop(Side.IN, vmiInterface, BOOTPS, BOOTPC);
        UdpDrop out = new UdpDrop(Side.OUT, vmiInterface, BOOTPS, BOOTPC);
        return List.of(new Chain("forward", Hook.FORWARD, List.of(in, out)), new Chain("input", Hook.INPUT, List.of(in)),
                new Chain("output", Hook.OUTPUT, List.of(out)));
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
