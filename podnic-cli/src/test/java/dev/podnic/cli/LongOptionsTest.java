package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A declared default is read as picocli reads it; what the start path does not read is left to picocli. */
class LongOptionsTest {
    @Test
    void aDeclaredDefaultIsALiteralOrAnEnvironmentVariableWithAFallback() {
        assertThat(LongOptions.resolved("/var/lib/cni")).isEqualTo("/var/lib/cni");
        assertThat(LongOptions.resolved("${env:PATH:-/nowhere}")).isEqualTo(System.getenv("PATH"));
        assertThat(LongOptions.resolved("${env:PODNIC_SURELY_UNSET_VARIABLE:-/etc/cni/net.d}")).isEqualTo("/etc/cni/net.d");
        assertThatThrownBy(() -> LongOptions.resolved("${sys:user.home}")).isInstanceOf(LongOptions.NotHere.class);
        assertThatThrownBy(() -> LongOptions.resolved("${env:A:-${env:B:-x}}")).isInstanceOf(LongOptions.NotHere.class);
    }

    @Test
    void aGivenValueWinsOverTheDefaultAndAnAbsentOneWithoutDefaultIsNull() {
        LongOptions o = LongOptions.parse(List.of("--a", "1"), new LongOptions.Declared(Set.of("--a", "--b"))).orElseThrow();
        assertThat(o.value("--a", "${env:PATH:-x}")).isEqualTo("1");
        assertThat(o.value("--b", null)).isNull();
        assertThat(o.intValue("--a", "7")).isEqualTo(1);
        assertThat(o.intValue("--b", "7")).isEqualTo(7);
    }
}
