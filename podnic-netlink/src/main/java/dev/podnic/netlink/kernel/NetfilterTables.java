package dev.podnic.netlink.kernel;

import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.sys.LibC;
import dev.podnic.netlink.wire.NftCodec;
import java.nio.file.Path;
import java.util.List;

/**
 * nftables tables of one network namespace, through nf_tables' netlink interface in-process (the
 * {@code nft} program costs a process per change, about as long as a CNI plugin's). Only what podnic
 * writes: one table name in the bridge and the ARP family ({@link NftCodec}), replaced in one transaction.
 * Needs a thread in the namespace only while opening its socket.
 */
public final class NetfilterTables implements AutoCloseable {
    private final NetlinkSocket socket;

    private NetfilterTables(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static NetfilterTables open(Path netns) {
        try (NetnsThread thread = NetnsThread.enter(netns)) {
            return open(thread);
        }
    }

    /** In the namespace {@code thread} lives in. */
    public static NetfilterTables open(NetnsThread thread) {
        try {
            return new NetfilterTables(thread.call(() -> NetlinkSocket.open(LibC.NETLINK_NETFILTER)));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replaces table {@code table} (bridge and ARP family) with these chains, atomically: no moment
     * without the old or the new rules.
     */
    public void replaceTables(String table, List<NftCodec.Chain> chains) {
        socket.executeBatch("replace nftables tables " + table, NftCodec.replaceTables(table, chains));
    }

    /** Deletes table {@code table} in both families; nothing to do where it does not exist. */
    public void deleteTables(String table) {
        socket.executeBatch("delete nftables tables " + table, NftCodec.replaceTables(table, List.of()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
