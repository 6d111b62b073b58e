package dev.podnic.binding.dhcp;

import dev.podnic.api.VNic;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.wire.NftCodec.ArpDrop;
import dev.podnic.netlink.wire.NftCodec.Chain;
import dev.podnic.netlink.wire.NftCodec.Drop;
import dev.podnic.netlink.wire.NftCodec.Hook;
import dev.podnic.netlink.wire.NftCodec.Side;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps address configuration on the VM's side of a vNIC's bridge: an nftables table (bridge family,
 * in the pod) drops DHCP (v4: UDP 67-68; v6: UDP 546-547) and IPv6 router solicitations and
 * advertisements (ICMPv6 133-134) bridged across the VMI interface in either direction — the
 * guest's requests never reach the cluster network's servers or routers, and neither podnic's answers
 * nor a guest's own router advertisements (a hostile guest's, say) reach the other pods on the node's
 * bridge — and drops everything between the VMI interface and the bridge's own stack: the server's
 * addresses are the guest's alone. Every vNIC's server has the same link-local address
 * (169.254.75.N), and the pod's stack answers ARP for any address it holds on any link: without it a
 * guest's ARP for its server is answered by every pod on the node's bridge (its renewals go to
 * whichever answered last, and are lost there), other pods' requests reach the vNIC's server (which
 * would hand the guest's address to whoever asks), the pod's bridge answers ARP for the pod's own
 * addresses, and each pod's neighbour entries for all the others fill the kernel's neighbour table,
 * which is one for all namespaces. The bridge must exist when its table is written: a bridge-family
 * table written in a namespace that has no bridge yet filters nothing on the bridge made after it
 * (Linux 6.18 here; plain {@code nft} and {@code ip} show the same). One table per vNIC bridge
 * ({@code podnic_<bridge>}, in the bridge and the ARP family), replaced atomically, removed with the
 * vNIC; written through nf_tables' netlink interface in-process ({@link NetfilterTables}).
 */
public final class DhcpIsolation {
    private static final int BOOTPS = 67;
    private static final int BOOTPC = 68;
    private static final int DHCPV6_CLIENT = 546;
    private static final int DHCPV6_SERVER = 547;
    private static final int ROUTER_SOLICITATION = 133;
    private static final int ROUTER_ADVERTISEMENT = 134;

    private final NetfilterTables tables;
    /** The chains this instance wrote, by table: writing the same again (prepared, then started) is skipped. */
    private final Map<String, List<Chain>> written = new ConcurrentHashMap<>();

    public DhcpIsolation(NetfilterTables tables) {
        this.tables = tables;
    }

    public static String table(String bridge) {
        return "podnic_" + bridge.replace('-', '_');
    }

    /**
     * The chains: packets bridged between the VMI interface and the VM (forward), to the bridge's own
     * stack (input) and from it (output), and ARP for the server's address that reaches the pod by any
     * other link than the bridge (its eth0, say: the pod's stack answers for any address it holds).
     *
     * @param vmiInterface the bridge's port toward the cluster network
     * @param server       the DHCP server's address on the bridge
     */
    static List<Chain> chains(String vmiInterface, String bridge, IpNet server) {
        List<Drop> both = new java.util.ArrayList<>(drops(Side.IN, vmiInterface));
        both.addAll(drops(Side.OUT, vmiInterface));
        return List.of(new Chain("forward", Hook.FORWARD, both),
                new Chain("input", Hook.INPUT, List.of(Drop.all(Side.IN, vmiInterface))),
                new Chain("output", Hook.OUTPUT, List.of(Drop.all(Side.OUT, vmiInterface))),
                new Chain("arp-input", Hook.ARP_INPUT, List.of(new ArpDrop(server.address(), bridge))));
    }

    private static List<Drop> drops(Side side, String port) {
        return List.of(Drop.udp(side, port, BOOTPS, BOOTPC), Drop.udp(side, port, DHCPV6_CLIENT, DHCPV6_SERVER),
                Drop.icmpv6(side, port, ROUTER_SOLICITATION, ROUTER_ADVERTISEMENT));
    }

    public void apply(VNicPlan plan) {
        apply(plan.vnic().vmiInterface(), plan.bridge(), plan.bridgeAddress());
    }

    /** The same from the vNIC alone (the names and the server's address are the plan's): before CNI ADD is done. */
    public void apply(VNic nic) {
        apply(nic.vmiInterface(), nic.bridge(), Planner.bridgeAddress(nic.index()));
    }

    private void apply(String vmiInterface, String bridge, IpNet server) {
        String table = table(bridge);
        List<Chain> chains = chains(vmiInterface, bridge, server);
        if (chains.equals(written.get(table))) {
            return;
        }
        try {
            tables.replaceTables(table, chains);
            written.put(table, chains);
        } catch (RuntimeException e) {
            throw new DhcpException("isolate DHCP on " + vmiInterface + ": " + e.getMessage());
        }
    }

    /** Idempotent: nothing to do when the table is gone. */
    public void remove(String bridge) {
        written.remove(table(bridge));
        try {
            tables.deleteTables(table(bridge));
        } catch (RuntimeException e) {
            throw new DhcpException("remove the DHCP isolation of " + bridge + ": " + e.getMessage());
        }
    }
}
