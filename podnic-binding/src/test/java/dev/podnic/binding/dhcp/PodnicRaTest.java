package dev.podnic.binding.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.netlink.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The advertisement podnic-ra sends, byte for byte as RFC 4861 lays it out (its --print mode writes
 * the ICMPv6 message the daemon sends, the checksum left to the kernel), and its refusals. The real
 * peers — guest kernels, dhclient, dhcpcd, rdisc6-style parsing by the kernel — are in Ipv6BindingIT.
 */
@Timeout(30)
class PodnicRaTest {
    @TempDir
    Path dir;

    private ChildProcess.Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(RouterAdvertisements.install(dir).toString()));
        cmd.addAll(List.of(args));
        return ChildProcess.run(new ProcessBuilder(cmd).redirectErrorStream(true), Duration.ofSeconds(10));
    }

    @Test
    void anOnLinkPrefixAdvertisement() throws Exception {
        ChildProcess.Result r = run("--interface", "br0", "--router", "fe80::1", "--mtu", "1450", "--on-link", "fd00:26::/64", "--print");
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output().strip()).isEqualTo(
                "86" + "00" + "0000"            // type 134, code 0, checksum (the kernel's)
                + "00" + "c0" + "0708"          // hop limit unspecified, M and O, router lifetime 1800 s
                + "00000000" + "00000000"       // reachable time, retransmission timer: unspecified
                + "05" + "01" + "0000" + "000005aa"                       // MTU 1450
                + "03" + "04" + "40" + "80" + "00015180" + "00003840" + "00000000" // prefix /64, L set, A clear, 1 d / 4 h
                + "fd000026000000000000000000000000");
    }

    @Test
    void aRoutedNetworkGetsNoPrefixAndAnUnknownGatewayNoRouterLifetime() throws Exception {
        assertThat(run("--interface", "br0", "--router", "fe80::1", "--mtu", "1500", "--print").output().strip())
                .isEqualTo("8600000000c00708000000000000000005010000000005dc");
        assertThat(run("--interface", "br0", "--mtu", "1500", "--print").output().strip())
                .isEqualTo("8600000000c00000000000000000000005010000000005dc");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        ChildProcess.Result global = run("--interface", "br0", "--router", "fd00::1", "--mtu", "1500", "--print");
        assertThat(global.ok()).isFalse();
        assertThat(global.output()).contains("--router fd00::1: not an IPv6 link-local address");
        assertThat(run("--interface", "br0", "--mtu", "1200").output()).contains("--mtu 1200: not an IPv6 MTU");
        assertThat(run("--interface", "br0", "--mtu", "1500", "--on-link", "fd00::").output()).contains("not PREFIX/LENGTH");
        assertThat(run("--mtu", "1500").output()).contains("usage: podnic-ra");
        assertThat(run("--interface", "pdn-none0", "--mtu", "1500").output()).contains("no interface pdn-none0");
    }
}
