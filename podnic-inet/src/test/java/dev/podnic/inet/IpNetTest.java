package dev.podnic.inet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpNetTest {
    @Test
    void networkAndContainment() {
        assertThat(IpNet.parse("10.1.2.3/24").network()).isEqualTo(IpNet.parse("10.1.2.0/24"));
        assertThat(IpNet.parse("10.1.2.3/20").network()).isEqualTo(IpNet.parse("10.1.0.0/20"));
        assertThat(IpNet.parse("fd00::1:5/64").network().toString()).isEqualTo("fd00::/64");
        assertThat(IpNet.parse("10.1.2.0/24").contains(IpLiteral.parse("10.1.2.200"))).isTrue();
        assertThat(IpNet.parse("10.1.2.0/24").contains(IpLiteral.parse("10.1.3.1"))).isFalse();
        assertThat(IpNet.parse("0.0.0.0/0").contains(IpLiteral.parse("192.0.2.1"))).isTrue();
        assertThat(IpNet.parse("10.1.2.0/24").contains(IpLiteral.parse("fd00::1"))).isFalse();
    }

    @Test
    void parsingErrors() {
        assertThatThrownBy(() -> IpNet.parse("10.1.2.3")).hasMessageContaining("is not ADDRESS/PREFIX");
        assertThatThrownBy(() -> IpNet.parse("10.1.2.3/33")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> IpNet.parse("10.1.2.3/x")).hasMessageContaining("no numeric prefix");
    }
}
