package dev.podnic.inet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
        "10.1.2.3, 10.1.2.3",
        "fd00:0:0:0:0:0:0:1, fd00::1",
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:db8:0:1:0:0:0:1, 2001:db8:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "fe80:0:1:0:1:0:0:0, fe80:0:1:0:1::",
        "FD00::AB, fd00::ab"})
    void formatsAsRfc5952(String in, String out) {
        assertThat(IpLiteral.format(IpLiteral.parse(in))).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.1.2", "10.1.2.3.4", "fe80::1%eth0", "1.2.3.4/24"})
    void refusesWhatIsNotALiteral(String in) {
        assertThatThrownBy(() -> IpLiteral.parse(in)).isInstanceOf(IllegalArgumentException.class);
    }
}
