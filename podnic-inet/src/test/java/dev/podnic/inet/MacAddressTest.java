package dev.podnic.inet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @Test
    void parsesAndPrintsLowercase() {
        assertThat(MacAddress.parse("00:11:22:AA:bb:cc").toString()).isEqualTo("00:11:22:aa:bb:cc");
        assertThat(MacAddress.parse("00:11:22:33:44:55")).isEqualTo(MacAddress.parse("00:11:22:33:44:55"));
    }

    @Test
    void classifies() {
        assertThat(MacAddress.parse("02:00:00:00:00:01").isUnicast()).isTrue();
        assertThat(MacAddress.parse("01:00:5e:00:00:01").isMulticast()).isTrue();
        assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff").isUnicast()).isFalse();
        assertThat(MacAddress.parse("00:00:00:00:00:00").isZero()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00:11:22:33:44", "00:11:22:33:44:55:66", "00-11-22-33-44-55", "0g:11:22:33:44:55", "001122334455"})
    void refusesMalformed(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a MAC address");
    }
}
