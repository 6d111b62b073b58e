package dev.podnic.cni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessLaunchTest {
    @Test
    void vforkOnlyWhereTheJdkSupportsItQuietly() {
        assertThat(ProcessLaunch.preferredOn(17)).contains("VFORK");
        assertThat(ProcessLaunch.preferredOn(21)).contains("VFORK");
        assertThat(ProcessLaunch.preferredOn(25)).as("deprecated: a warning on every start").isEmpty();
        assertThat(ProcessLaunch.preferredOn(27)).as("removed: the property would fail every start").isEmpty();
    }
}
