package dev.podnic.cni.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PluginVersionsTest {
    private final PluginVersions debian = new PluginVersions(
            List.of(SpecVersion.V0_1_0, SpecVersion.V0_2_0, SpecVersion.V0_3_0, SpecVersion.V0_3_1, SpecVersion.V0_4_0,
                    SpecVersion.V1_0_0), List.of("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0"));

    @Test
    void speaksTheWantedVersionWhenSupported() {
        assertThat(debian.negotiate(SpecVersion.V0_4_0)).contains(SpecVersion.V0_4_0);
    }

    @Test
    void fallsBackToTheNewestOlderVersion() {
        assertThat(debian.negotiate(SpecVersion.V1_1_0)).contains(SpecVersion.V1_0_0);
        PluginVersions firewall = new PluginVersions(List.of(SpecVersion.V0_4_0, SpecVersion.V1_0_0), List.of("0.4.0", "1.0.0"));
        assertThat(firewall.negotiate(SpecVersion.V0_3_1)).isEmpty();
    }

    @Test
    void legacyPluginsSpeak010() {
        assertThat(PluginVersions.legacy().negotiate(SpecVersion.V1_0_0)).contains(SpecVersion.V0_1_0);
    }
}
