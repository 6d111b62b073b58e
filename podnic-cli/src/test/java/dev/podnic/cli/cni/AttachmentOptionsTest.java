package dev.podnic.cli.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.cli.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttachmentOptionsTest {

    @Test
    void argsAreOrderedPairsSplitAtTheFirstEquals() {
        assertThat(AttachmentOptions.parseArgs("K8S_POD_NAME=web;IgnoreUnknown=1;X=a=b"))
                .containsExactly(Map.entry("K8S_POD_NAME", "web"), Map.entry("IgnoreUnknown", "1"), Map.entry("X", "a=b"));
        assertThat(AttachmentOptions.parseArgs(null)).isEmpty();
    }

    @Test
    void badArgsAreUsageErrors() {
        assertThatThrownBy(() -> AttachmentOptions.parseArgs("K8S_POD_NAME")).isInstanceOf(UserError.class)
                .hasMessageContaining("\"K8S_POD_NAME\" is not KEY=VALUE");
    }

    @Test
    void capArgsMustBeAJsonObject() {
        assertThat(AttachmentOptions.parseCapArgs("{\"mac\":\"02:00:00:00:00:01\",\"mtu\":1400}")).containsKeys("mac", "mtu");
        assertThatThrownBy(() -> AttachmentOptions.parseCapArgs("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> AttachmentOptions.parseCapArgs("{oops")).hasMessageContaining("not valid JSON");
    }
}
