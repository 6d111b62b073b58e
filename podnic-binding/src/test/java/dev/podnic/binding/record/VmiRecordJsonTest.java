package dev.podnic.binding.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.podnic.binding.dhcp.DhcpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A VM's record file is what Jackson's data binding of the records writes (indented) and reads — the
 * format of every record on a machine: both ways, for full records, fresh ones and nulls.
 */
class VmiRecordJsonTest {
    private static final ObjectMapper BINDING = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final VmiRecordJson codec = new VmiRecordJson();

    private static List<VmiRecord> records() {
        RecordedFacts facts = new RecordedFacts(1450, List.of(new RecordedFacts.Route("0.0.0.0/0", "10.1.0.1"),
                new RecordedFacts.Route("10.1.0.0/16", null), new RecordedFacts.Route("::/0", "fe80::1")),
                List.of("10.96.0.10", "fd00::a"), List.of("svc.cluster.local", "cluster.local"), "fe80::1");
        VNicRecord serving = new VNicRecord(0, "default", "02:00:00:00:00:01", "virtio", "vmi0", "pdnbr-vmi0", Step.SERVING, facts,
                new DhcpServer("dnsmasq", "pdnbr-vmi0", "/var/lib/podnic/dhcp/pdnbr-vmi0.pid"), "10.1.0.2/16", "10.1.0.1",
                List.of("0.0.0.0/0 via 10.1.0.1"), 1450, List.of("10.96.0.10"), "fd00::2/64", "fe80::1");
        VNicRecord pending = new VNicRecord(3, "second", "02:00:00:00:00:02", "e1000", "vmi3", "pdnbr-vmi3", Step.PENDING, null, null,
                null, null, null, 0, null, null, null);
        return List.of(
                new VmiRecord("default", "vm1", "uid-1", "podnic-abc", "/proc/1/ns/net", "podnet", "dnsmasq", List.of(serving, pending),
                        "default_vm1"),
                new VmiRecord("ns", "vm2", null, null, null, null, null, List.of(), null));
    }

    @Test
    void writesTheTextDataBindingWrites() throws Exception {
        for (VmiRecord r : records()) {
            assertThat(new String(codec.write(r), StandardCharsets.UTF_8)).isEqualTo(BINDING.writeValueAsString(r));
        }
    }

    @Test
    void readsWhatDataBindingReads() throws Exception {
        for (VmiRecord r : records()) {
            byte[] text = BINDING.writeValueAsBytes(r);
            assertThat(codec.read(text)).isEqualTo(BINDING.readValue(text, VmiRecord.class)).isEqualTo(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"namespace\":\"default\",\"name\":\"old\",\"nics\":[{\"index\":0,\"name\":\"default\",\"step\":\"BRIDGED\","
            + "\"facts\":{\"mtu\":1500,\"routes\":[{\"destination\":\"0.0.0.0/0\",\"gateway\":\"10.0.0.1\"}]}}]}",
        "{\"namespace\":\"n\",\"name\":\"nulls\",\"identity\":null,\"nics\":[{\"index\":1,\"step\":null,\"facts\":null,\"dhcp\":null,"
            + "\"routes\":null,\"dns\":null}],\"domain\":null}",
    })
    void readsRecordsFromBeforeAFieldExistedAsDataBindingDoes(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(codec.read(bytes)).isEqualTo(BINDING.readValue(bytes, VmiRecord.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"name\":\"x\"}", "{\"nics\":{}}", "{\"nics\":[{\"step\":\"FLYING\"}]}",
        "{\"nics\":[{\"index\":\"zero\"}]}", "{\"nics\":[{\"dns\":[1]}]}", "{\"nics\":[7]}", "{\"name\":"})
    void refusesWhatIsNotARecord(String text) {
        assertThatThrownBy(() -> codec.read(text.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }
}
