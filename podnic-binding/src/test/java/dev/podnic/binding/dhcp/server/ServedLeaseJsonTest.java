package dev.podnic.binding.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.inet.IpNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lease file reads back as the lease it was written from; a damaged one is refused with what is wrong. */
class ServedLeaseJsonTest {
    private static final ServedLease DUAL = new ServedLease(Dhcp4ResponderTest.LEASE.serverId(), Dhcp4ResponderTest.LEASE.address(),
            Dhcp4ResponderTest.LEASE.gateway(), Dhcp4ResponderTest.LEASE.routes(), 1400, Dhcp4ResponderTest.LEASE.dns(),
            List.of("svc.example.test", "example.test"), "example.test", "h", 86400, IpNet.parse("fd00:9::5/64"),
            List.of(dev.podnic.inet.IpLiteral.parse("fd00:53::53")), "0004" + "ab".repeat(16),
            new ServedLease.Router6(dev.podnic.inet.IpLiteral.parse("fe80::1"), true));

    @Test
    void roundTrips() throws IOException {
        assertThat(ServedLeaseJson.read(ServedLeaseJson.write(DUAL))).isEqualTo(DUAL);
        assertThat(ServedLeaseJson.read(ServedLeaseJson.write(Dhcp4ResponderTest.LEASE))).isEqualTo(Dhcp4ResponderTest.LEASE);
        assertThat(new String(ServedLeaseJson.write(DUAL), StandardCharsets.UTF_8)).contains("\"address\" : \"10.9.0.5/24\"")
                .contains("\"0.0.0.0/0 via 10.9.0.1\"").contains("\"169.254.75.1/32 on-link\"")
                .contains("\"router6\" : {\n    \"router\" : \"fe80::1\",\n    \"onLink\" : true\n  }");
    }

    @Test
    void aLeaseFileOfAPodnicWithPodnicRaHasNoAdvertisements() throws IOException {
        String old = new String(ServedLeaseJson.write(DUAL), StandardCharsets.UTF_8).replaceAll(",\\s*\"router6\" : \\{[^}]*\\}", "");
        assertThat(old).doesNotContain("router6");
        assertThat(read(old).router6()).isNull();
        assertThat(read(old).address6()).isEqualTo(DUAL.address6());
    }

    @Test
    void damagedFilesAreRefusedWithTheReason() {
        String good = new String(ServedLeaseJson.write(DUAL), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ServedLeaseJson.read("[]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read(good.replace("\"0004", "\"zz04"))).isInstanceOf(IOException.class).hasMessageContaining("duid");
        assertThatThrownBy(() -> read(good.replace("0.0.0.0/0 via 10.9.0.1", "0.0.0.0/0 10.9.0.1"))).isInstanceOf(IOException.class)
                .hasMessageContaining("neither");
        assertThatThrownBy(() -> read(good.replace("\"leaseSeconds\" : 86400", "\"leaseSeconds\" : 5"))).isInstanceOf(IOException.class)
                .hasMessageContaining("at least 60 s");
        assertThatThrownBy(() -> read(good.replace("\"mtu\" : 1400", "\"mtu\" : \"big\""))).isInstanceOf(IOException.class)
                .hasMessageContaining("mtu");
        assertThatThrownBy(() -> read(good.replace("\"onLink\" : true", "\"onLink\" : 1"))).isInstanceOf(IOException.class)
                .hasMessageContaining("router6");
        assertThatThrownBy(() -> read("{\"duid\":\"0004ab\"}")).isInstanceOf(IOException.class).hasMessageContaining("an IPv4 or an IPv6 address");
    }

    private static ServedLease read(String json) throws IOException {
        return ServedLeaseJson.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
