package dev.podnic.netlink.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.netlink.wire.NftCodec;
import dev.podnic.netlink.wire.NftCodec.ArpDrop;
import dev.podnic.netlink.wire.NftCodec.Chain;
import dev.podnic.netlink.wire.NftCodec.Hook;
import dev.podnic.netlink.wire.NftCodec.Side;
import dev.podnic.netlink.wire.NftCodec.Drop;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nf_tables messages against the real kernel, read back by the real {@code nft}: what it prints is what was meant. */
class NetfilterTablesIT {
    private String ns;

    @BeforeEach
    void namespace() {
        ns = "pdnt" + ProcessHandle.current().pid() + "xnft";
        KernelNetworkOpsIT.run("ip", "netns", "add", ns);
    }

    @AfterEach
    void remove() {
        KernelNetworkOpsIT.run("ip", "netns", "delete", ns);
    }

    private String nft(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns, "nft"));
        cmd.addAll(List.of(args));
        return ChildProcess.run(new ProcessBuilder(cmd).redirectErrorStream(true), Duration.ofSeconds(30)).output();
    }

    static List<Chain> isolation(String port) {
        return List.of(
                new Chain("forward", Hook.FORWARD, List.of(Drop.udp(Side.IN, port, 67, 68), Drop.udp(Side.OUT, port, 67, 68),
                        Drop.icmpv6(Side.IN, port, 133, 134))),
                new Chain("input", Hook.INPUT, List.of(Drop.all(Side.IN, port))),
                new Chain("output", Hook.OUTPUT, List.of(Drop.all(Side.OUT, port))),
                new Chain("arp-input", Hook.ARP_INPUT, List.of(new ArpDrop(address("169.254.75.1"), "pdnbr-vmi1"))));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTableIsWrittenAsNftWouldWriteItReplacedAtomicallyAndDeletedIdempotently() {
        try (NetfilterTables tables = NetfilterTables.open(Path.of("/run/netns", ns))) {
            tables.replaceTables("podnic_pdnbr_vmi1", isolation("vmi1"));
            String expected = """
                    table bridge podnic_pdnbr_vmi1 {
                    	chain forward {
                    		type filter hook forward priority 0; policy accept;
                    		iifname "vmi1" udp dport 67-68 drop
                    		oifname "vmi1" udp dport 67-68 drop
                    		iifname "vmi1" icmpv6 type 133-134 drop
                    	}

                    	chain input {
                    		type filter hook input priority 0; policy accept;
                    		iifname "vmi1" drop
                    	}

                    	chain output {
                    		type filter hook output priority 0; policy accept;
                    		oifname "vmi1" drop
                    	}
                    }
                    """;
            assertThat(nft("list", "table", "bridge", "podnic_pdnbr_vmi1")).isEqualTo(expected);
            assertThat(nft("list", "table", "arp", "podnic_pdnbr_vmi1")).isEqualTo("""
                    table arp podnic_pdnbr_vmi1 {
                    	chain arp-input {
                    		type filter hook input priority filter; policy accept;
                    		iifname != "pdnbr-vmi1" arp daddr ip 169.254.75.1 drop
                    	}
                    }
                    """);

            tables.replaceTables("podnic_pdnbr_vmi1", isolation("pod16477688c0e"));
            assertThat(nft("list", "table", "bridge", "podnic_pdnbr_vmi1")).contains("iifname \"pod16477688c0e\"")
                    .doesNotContain("\"vmi1\"");
            tables.deleteTables("podnic_pdnbr_vmi1");
            tables.deleteTables("podnic_pdnbr_vmi1");
            assertThat(nft("list", "tables")).isBlank();
        }
    }
}
