package dev.podnic.netlink.wire;

import static dev.podnic.netlink.wire.Rtnl.NLM_F_ACK;
import static dev.podnic.netlink.wire.Rtnl.NLM_F_CREATE;
import static dev.podnic.netlink.wire.Rtnl.NLM_F_REQUEST;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * nf_tables messages (linux/netfilter/nf_tables.h, nfnetlink.h), for the one kind of table podnic
 * writes: a bridge-family table whose base chains drop, on one bridge port, UDP to a port range or
 * ICMPv6 of a type range — what {@code nft} writes for {@code iifname "X" udp dport A-B drop} (its
 * --debug=netlink output: meta iifname, cmp, meta l4proto, cmp, payload transport+2, cmp gte, cmp lte,
 * immediate drop), and with {@code meta l4proto icmpv6 icmpv6 type} the same on transport+0, one byte.
 * A table is replaced in one transaction (a batch): created if missing, deleted, created anew.
 * Integers inside nf_tables attributes are big-endian; nested attributes carry NLA_F_NESTED.
 */
public final class NftCodec {
    public static final int NFPROTO_BRIDGE = 7;
    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_DELTABLE = 2;
    static final int NFT_MSG_NEWCHAIN = 3;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NLM_F_APPEND = 0x800;
    private static final int NLA_F_NESTED = 0x8000;
    private static final int IFNAMSIZ = 16;

    /** Where a bridge-family base chain hooks in (NF_BR_*). */
    public enum Hook {
        INPUT(1), FORWARD(2), OUTPUT(3);

        final int number;

        Hook(int number) {
            this.number = number;
        }
    }

    /** Which device a rule matches: the one a packet came in by, or the one it leaves by. */
    public enum Side {
        IN(6), OUT(7); // NFT_META_IIFNAME, NFT_META_OIFNAME

        final int metaKey;

        Side(int metaKey) {
            this.metaKey = metaKey;
        }
    }

    /** What a rule looks at: its transport protocol and a field of that header. */
    public enum Field {
        UDP_DPORT(17, 2, 2), ICMPV6_TYPE(58, 0, 1);

        final int l4proto;
        final int offset;
        final int length;

        Field(int l4proto, int offset, int length) {
            this.l4proto = l4proto;
            this.offset = offset;
            this.length = length;
        }

        int max() {
            return (1 << (8 * length)) - 1;
        }
    }

    /** Drop packets whose {@code field} is in {@code from..to}, coming in by (or leaving by) {@code device}. */
    public record Drop(Side side, String device, Field field, int from, int to) {
        public Drop {
            if (device.isEmpty() || device.getBytes(StandardCharsets.UTF_8).length >= IFNAMSIZ) {
                throw new IllegalArgumentException("device name \"" + device + "\": 1 to 15 bytes");
            }
            if (from < 0 || to > field.max() || from > to) {
                throw new IllegalArgumentException(field + " " + from + "-" + to);
            }
        }

        /** UDP to ports {@code from..to}. */
        public static Drop udp(Side side, String device, int from, int to) {
            return new Drop(side, device, Field.UDP_DPORT, from, to);
        }

        /** ICMPv6 of types {@code from..to}. */
        public static Drop icmpv6(Side side, String device, int from, int to) {
            return new Drop(side, device, Field.ICMPV6_TYPE, from, to);
        }
    }

    /** A base chain of type filter, priority 0, policy accept. */
    public record Chain(String name, Hook hook, List<Drop> rules) {
        public Chain {
            rules = List.copyOf(rules);
        }
    }

    private NftCodec() {
    }

    /** The batch that replaces bridge table {@code table} by one holding {@code chains} (or by nothing when empty). */
    public static List<byte[]> replaceBridgeTable(String table, List<Chain> chains) {
        List<byte[]> out = new ArrayList<>();
        out.add(batch(NFNL_MSG_BATCH_BEGIN));
        out.add(table(NFT_MSG_NEWTABLE, NLM_F_CREATE, table)); // so that the delete finds it
        out.add(table(NFT_MSG_DELTABLE, 0, table));
        if (!chains.isEmpty()) {
            out.add(table(NFT_MSG_NEWTABLE, NLM_F_CREATE, table));
            for (Chain c : chains) {
                out.add(chain(table, c));
                for (Drop r : c.rules()) {
                    out.add(rule(table, c.name(), r));
                }
            }
        }
        out.add(batch(NFNL_MSG_BATCH_END));
        return out;
    }

    private static NlMessageBuilder nft(int command, int flags, int family) {
        return new NlMessageBuilder(NFNL_SUBSYS_NFTABLES << 8 | command, NLM_F_REQUEST | NLM_F_ACK | flags)
                .u8(family).u8(0).u16(0); // nfgenmsg: family, version, res_id
    }

    /** Batch begin/end: AF_UNSPEC, res_id the subsystem (big-endian), not acknowledged. */
    private static byte[] batch(int type) {
        return new NlMessageBuilder(type, NLM_F_REQUEST).u8(0).u8(0).u16(Short.reverseBytes((short) NFNL_SUBSYS_NFTABLES)).build();
    }

    private static byte[] table(int command, int flags, String table) {
        return nft(command, flags, NFPROTO_BRIDGE).attrString(1, table).build(); // NFTA_TABLE_NAME
    }

    private static byte[] chain(String table, Chain c) {
        return nft(NFT_MSG_NEWCHAIN, NLM_F_CREATE, NFPROTO_BRIDGE)
                .attrString(1, table)                                   // NFTA_CHAIN_TABLE
                .attrString(3, c.name())                                // NFTA_CHAIN_NAME
                .nested(4 | NLA_F_NESTED, h -> h.attr(1, be32(c.hook().number)).attr(2, be32(0))) // NFTA_CHAIN_HOOK: hooknum, priority
                .attr(5, be32(1))                                       // NFTA_CHAIN_POLICY: NF_ACCEPT
                .attrString(7, "filter")                                // NFTA_CHAIN_TYPE
                .build();
    }

    private static byte[] rule(String table, String chain, Drop r) {
        byte[] device = Arrays.copyOf(r.device().getBytes(StandardCharsets.UTF_8), IFNAMSIZ);
        return nft(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, NFPROTO_BRIDGE)
                .attrString(1, table)                                   // NFTA_RULE_TABLE
                .attrString(2, chain)                                   // NFTA_RULE_CHAIN
                .nested(4 | NLA_F_NESTED, e -> {                        // NFTA_RULE_EXPRESSIONS
                    meta(e, r.side().metaKey);
                    cmp(e, 0, device);                                  // NFT_CMP_EQ
                    meta(e, 16);                                        // NFT_META_L4PROTO
                    cmp(e, 0, new byte[] {(byte) r.field().l4proto});
                    expr(e, "payload", d -> d.attr(1, be32(1)).attr(2, be32(2)) // reg 1, NFT_PAYLOAD_TRANSPORT_HEADER
                            .attr(3, be32(r.field().offset)).attr(4, be32(r.field().length)));
                    cmp(e, 5, value(r.from(), r.field().length));       // NFT_CMP_GTE
                    cmp(e, 3, value(r.to(), r.field().length));         // NFT_CMP_LTE
                    expr(e, "immediate", d -> d.attr(1, be32(0))        // NFT_REG_VERDICT
                            .nested(2 | NLA_F_NESTED, v -> v.nested(2 | NLA_F_NESTED, code -> code.attr(1, be32(0))))); // NF_DROP
                })
                .build();
    }

    private static void meta(NlMessageBuilder e, int key) {
        expr(e, "meta", d -> d.attr(1, be32(1)).attr(2, be32(key))); // NFTA_META_DREG reg 1, NFTA_META_KEY
    }

    private static void cmp(NlMessageBuilder e, int op, byte[] value) {
        expr(e, "cmp", d -> d.attr(1, be32(1)).attr(2, be32(op)).nested(3 | NLA_F_NESTED, v -> v.attr(1, value)));
    }

    /** One NFTA_LIST_ELEM: NFTA_EXPR_NAME and NFTA_EXPR_DATA. */
    private static void expr(NlMessageBuilder e, String name, java.util.function.Consumer<NlMessageBuilder> data) {
        e.nested(1 | NLA_F_NESTED, x -> x.attrString(1, name).nested(2 | NLA_F_NESTED, data));
    }

    static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** A header field's value as the packet holds it: big-endian, {@code length} bytes. */
    static byte[] value(int v, int length) {
        return length == 1 ? new byte[] {(byte) v} : ByteBuffer.allocate(2).putShort((short) v).array();
    }
}
