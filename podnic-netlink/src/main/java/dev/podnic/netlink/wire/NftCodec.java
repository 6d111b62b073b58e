package dev.podnic.netlink.wire;

import static dev.podnic.netlink.wire.Rtnl.NLM_F_ACK;
import static dev.podnic.netlink.wire.Rtnl.NLM_F_CREATE;
import static dev.podnic.netlink.wire.Rtnl.NLM_F_REQUEST;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * nf_tables messages (linux/netfilter/nf_tables.h, nfnetlink.h), for the one kind of table podnic
 * writes: one name in the bridge and the ARP family, whose base chains drop, on one bridge port, UDP
 * to a port range, ICMPv6 of a type range or every packet, and ARP for one address coming in by any
 * link but one — what {@code nft} writes for {@code iifname "X" udp dport A-B drop} (its
 * --debug=netlink output: meta iifname, cmp, meta l4proto, cmp, payload transport+2, cmp gte, cmp lte,
 * immediate drop), with {@code meta l4proto icmpv6 icmpv6 type} the same on transport+0, one byte,
 * for {@code iifname "X" drop} the first two and the last, and for {@code iifname != "X" arp daddr ip
 * A drop} meta iifname, cmp neq, payload network+24 (4 bytes), cmp eq, immediate drop.
 * The tables are replaced in one transaction (a batch): each created if missing, deleted, created anew.
 * Integers inside nf_tables attributes are big-endian; nested attributes carry NLA_F_NESTED.
 */
public final class NftCodec {
    static final int NFPROTO_ARP = 3;
    static final int NFPROTO_BRIDGE = 7;
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

    /** The families podnic writes a table in, in the order a batch writes them. */
    public enum Family {
        BRIDGE(NFPROTO_BRIDGE), ARP(NFPROTO_ARP);

        final int number;

        Family(int number) {
            this.number = number;
        }
    }

    /** Where a base chain hooks in: a bridge-family chain (NF_BR_*) or an ARP-family one (NF_ARP_*). */
    public enum Hook {
        INPUT(Family.BRIDGE, 1), FORWARD(Family.BRIDGE, 2), OUTPUT(Family.BRIDGE, 3), ARP_INPUT(Family.ARP, 0);

        final Family family;
        final int number;

        Hook(Family family, int number) {
            this.family = family;
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

    /** What a rule looks at: its transport protocol and a field of that header, or nothing ({@code ANY}: every packet). */
    public enum Field {
        ANY(0, 0, 0), UDP_DPORT(17, 2, 2), ICMPV6_TYPE(58, 0, 1);

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

    /** What a rule drops. */
    public sealed interface Rule permits Drop, ArpDrop {
        /** The family of the chains that can hold this rule. */
        Family family();

        /** Appends the expressions that pick the packets this rule drops (the verdict follows them). */
        void appendMatch(NlMessageBuilder expressions);
    }

    /** Drop packets whose {@code field} is in {@code from..to}, coming in by (or leaving by) {@code device}. */
    public record Drop(Side side, String device, Field field, int from, int to) implements Rule {
        public Drop {
            checkDevice(device);
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

        /** Every packet, whatever it carries (ARP, ND, anything). */
        public static Drop all(Side side, String device) {
            return new Drop(side, device, Field.ANY, 0, 0);
        }

        @Override
        public Family family() {
            return Family.BRIDGE;
        }

        @Override
        public void appendMatch(NlMessageBuilder e) {
            meta(e, side.metaKey);
            cmp(e, 0, deviceName(device));                              // NFT_CMP_EQ
            if (field != Field.ANY) {
                meta(e, 16);                                            // NFT_META_L4PROTO
                cmp(e, 0, new byte[] {(byte) field.l4proto});
                payload(e, 2, field.offset, field.length);              // NFT_PAYLOAD_TRANSPORT_HEADER
                cmp(e, 5, value(from, field.length));                   // NFT_CMP_GTE
                cmp(e, 3, value(to, field.length));                     // NFT_CMP_LTE
            }
        }
    }

    /** Drop ARP about {@code target} (the packet's target protocol address) coming in by any link but {@code except}. */
    public record ArpDrop(InetAddress target, String except) implements Rule {
        public ArpDrop {
            checkDevice(except);
            if (target.getAddress().length != 4) {
                throw new IllegalArgumentException("ARP is about IPv4 addresses, not " + target.getHostAddress());
            }
        }

        @Override
        public Family family() {
            return Family.ARP;
        }

        /** ARP over Ethernet: the target protocol address sits at 24 (after htype, ptype, hlen, plen, op, sha, spa, tha). */
        @Override
        public void appendMatch(NlMessageBuilder e) {
            meta(e, Side.IN.metaKey);
            cmp(e, 1, deviceName(except));                              // NFT_CMP_NEQ
            payload(e, 1, 24, 4);                                       // NFT_PAYLOAD_NETWORK_HEADER
            cmp(e, 0, target.getAddress());
        }
    }

    /** A base chain of type filter, priority 0, policy accept; its hook says its family, and its rules must fit that. */
    public record Chain(String name, Hook hook, List<? extends Rule> rules) {
        public Chain {
            rules = List.copyOf(rules);
            for (Rule r : rules) {
                if (r.family() != hook.family) {
                    throw new IllegalArgumentException("chain " + name + " (" + hook + ") cannot hold " + r);
                }
            }
        }
    }

    private static void checkDevice(String device) {
        if (device.isEmpty() || device.getBytes(StandardCharsets.UTF_8).length >= IFNAMSIZ) {
            throw new IllegalArgumentException("device name \"" + device + "\": 1 to 15 bytes");
        }
    }

    private NftCodec() {
    }

    /**
     * The batch that replaces table {@code table}, in every family podnic writes, by tables holding
     * {@code chains} (a family none of them hooks into gets no table; so with none, the batch deletes).
     */
    public static List<byte[]> replaceTables(String table, List<Chain> chains) {
        List<byte[]> out = new ArrayList<>();
        out.add(batch(NFNL_MSG_BATCH_BEGIN));
        for (Family f : Family.values()) {
            out.add(table(NFT_MSG_NEWTABLE, NLM_F_CREATE, f, table)); // so that the delete finds it
            out.add(table(NFT_MSG_DELTABLE, 0, f, table));
        }
        for (Family f : Family.values()) {
            List<Chain> in = chains.stream().filter(c -> c.hook().family == f).toList();
            if (!in.isEmpty()) {
                out.add(table(NFT_MSG_NEWTABLE, NLM_F_CREATE, f, table));
                for (Chain c : in) {
                    out.add(chain(table, c));
                    for (Rule r : c.rules()) {
                        out.add(rule(table, c, r));
                    }
                }
            }
        }
        out.add(batch(NFNL_MSG_BATCH_END));
        return out;
    }

    private static NlMessageBuilder nft(int command, int flags, Family family) {
        return new NlMessageBuilder(NFNL_SUBSYS_NFTABLES << 8 | command, NLM_F_REQUEST | NLM_F_ACK | flags)
                .u8(family.number).u8(0).u16(0); // nfgenmsg: family, version, res_id
    }

    /** Batch begin/end: AF_UNSPEC, res_id the subsystem (big-endian), not acknowledged. */
    private static byte[] batch(int type) {
        return new NlMessageBuilder(type, NLM_F_REQUEST).u8(0).u8(0).u16(Short.reverseBytes((short) NFNL_SUBSYS_NFTABLES)).build();
    }

    private static byte[] table(int command, int flags, Family family, String table) {
        return nft(command, flags, family).attrString(1, table).build(); // NFTA_TABLE_NAME
    }

    private static byte[] chain(String table, Chain c) {
        return nft(NFT_MSG_NEWCHAIN, NLM_F_CREATE, c.hook().family)
                .attrString(1, table)                                   // NFTA_CHAIN_TABLE
                .attrString(3, c.name())                                // NFTA_CHAIN_NAME
                .nested(4 | NLA_F_NESTED, h -> h.attr(1, be32(c.hook().number)).attr(2, be32(0))) // NFTA_CHAIN_HOOK: hooknum, priority
                .attr(5, be32(1))                                       // NFTA_CHAIN_POLICY: NF_ACCEPT
                .attrString(7, "filter")                                // NFTA_CHAIN_TYPE
                .build();
    }

    private static byte[] rule(String table, Chain chain, Rule rule) {
        return nft(NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, chain.hook().family)
                .attrString(1, table)                                   // NFTA_RULE_TABLE
                .attrString(2, chain.name())                            // NFTA_RULE_CHAIN
                .nested(4 | NLA_F_NESTED, e -> {                        // NFTA_RULE_EXPRESSIONS
                    rule.appendMatch(e);
                    expr(e, "immediate", d -> d.attr(1, be32(0))        // NFT_REG_VERDICT
                            .nested(2 | NLA_F_NESTED, v -> v.nested(2 | NLA_F_NESTED, code -> code.attr(1, be32(0))))); // NF_DROP
                })
                .build();
    }

    private static byte[] deviceName(String device) {
        return Arrays.copyOf(device.getBytes(StandardCharsets.UTF_8), IFNAMSIZ);
    }

    /** Loads {@code length} bytes at {@code offset} of header {@code base} into register 1. */
    private static void payload(NlMessageBuilder e, int base, int offset, int length) {
        expr(e, "payload", d -> d.attr(1, be32(1)).attr(2, be32(base)).attr(3, be32(offset)).attr(4, be32(length)));
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
