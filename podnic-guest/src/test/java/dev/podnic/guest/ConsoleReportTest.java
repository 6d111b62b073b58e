package dev.podnic.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleReportTest {
    @Test
    void readsLeasesPingsAndTheEnd() {
        ConsoleReport r = ConsoleReport.parse("[    1.2] virtio_net virtio0 eth0: renamed\r\n"
                + "PODNIC-LEASE if=eth0 mac=00:11:22:33:44:55 ip=10.244.5.3 mask=24 router=10.244.5.1 mtu=1450 dns=192.0.2.53 "
                + "hostname=testvm routes=169.254.75.1/32,0.0.0.0,10.244.5.1/32,0.0.0.0,0.0.0.0/0,10.244.5.1\r\n"
                + "PODNIC-LEASE-TIME if=eth0 start=1.81 end=1.94\r\n"
                + "PODNIC-PING 10.244.5.1 ok\nPODNIC-PING 10.244.5.9 fail\nPODNIC-DONE\n");
        assertThat(r.leasesByMac().get("00:11:22:33:44:55")).containsEntry("ip", "10.244.5.3").containsEntry("mask", "24")
                .containsEntry("routes", "169.254.75.1/32,0.0.0.0,10.244.5.1/32,0.0.0.0,0.0.0.0/0,10.244.5.1");
        assertThat(r.leaseSecondsByIf().get("eth0")).isCloseTo(0.13, org.assertj.core.data.Offset.offset(0.001));
        assertThat(r.pings()).containsEntry("10.244.5.1", true).containsEntry("10.244.5.9", false);
        assertThat(r.done()).isTrue();
    }

    @Test
    void readsWhatIpv6GaveEachNic() {
        ConsoleReport r = ConsoleReport.parse("PODNIC-LEASE6 if=eth0 mac=00:11:22:33:44:55 ip6=fd00:26::5/128 router6=fe80::1:2\r\n"
                + "PODNIC-LEASE6-TIME if=eth0 start=1.80 end=3.05\nPODNIC-LEASE6 if=eth1 mac=02:00:00:00:00:02 ip6=- router6=-\n"
                + "PODNIC-PING fd00:26::1 ok\nPODNIC-DONE\n");
        assertThat(r.ipv6ByMac().get("00:11:22:33:44:55")).containsEntry("ip6", "fd00:26::5/128").containsEntry("router6", "fe80::1:2");
        assertThat(r.ipv6ByMac().get("02:00:00:00:00:02")).containsEntry("ip6", "-");
        assertThat(r.ipv6SecondsByIf().get("eth0")).isCloseTo(1.25, org.assertj.core.data.Offset.offset(0.001));
        assertThat(r.leasesByMac()).isEmpty();
        assertThat(r.pings()).containsEntry("fd00:26::1", true);
    }

    /** Read while the guest writes (under load, slowly): a line not yet ended is not read; a broken one is skipped. */
    @Test
    void aLineTheGuestIsStillWritingIsNotReadAndABrokenOneIsSkipped() {
        ConsoleReport r = ConsoleReport.parse("PODNIC-LEASE-TIME if=eth0 start=1.81 end=1.94\n"
                + "PODNIC-LEASE-TIME if=eth1 start=2.[    3.1] virtio_net: link up\n"
                + "PODNIC-LEASE6-TIME if=eth0 start=1.8");
        assertThat(r.leaseSecondsByIf()).containsOnlyKeys("eth0");
        assertThat(r.ipv6SecondsByIf()).isEmpty();
        assertThat(r.done()).isFalse();
        assertThat(ConsoleReport.parse("PODNIC-DONE").done()).as("not ended yet").isFalse();
    }
}
