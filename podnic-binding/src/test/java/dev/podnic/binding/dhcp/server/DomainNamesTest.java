package dev.podnic.binding.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainNamesTest {
    @Test
    void namesAreLengthPrefixedLabelsEndingInZero() {
        assertThat(HexFormat.of().formatHex(DomainNames.encode(List.of("svc.example.test", "test.")))).isEqualTo(
                "03737663" + "076578616d706c65" + "0474657374" + "00" + "0474657374" + "00");
        assertThat(DomainNames.encode(List.of())).isEmpty();
    }

    @Test
    void namesDnsCannotCarryAreRefused() {
        assertThatThrownBy(() -> DomainNames.encode(List.of("a..b"))).hasMessageContaining("\"a..b\"");
        assertThatThrownBy(() -> DomainNames.encode(List.of("x".repeat(64) + ".test"))).hasMessageContaining("DNS can carry");
        assertThatThrownBy(() -> DomainNames.encode(List.of(("x".repeat(60) + ".").repeat(5) + "test"))).hasMessageContaining("255 bytes");
        assertThatThrownBy(() -> DomainNames.encode(List.of("café.test"))).hasMessageContaining("DNS can carry");
        assertThatThrownBy(() -> DomainNames.encode(List.of("a b.test"))).hasMessageContaining("DNS can carry");
    }
}
