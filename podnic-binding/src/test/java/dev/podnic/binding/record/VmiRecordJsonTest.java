package dev.podnic.binding.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    private final VmiRecordJson codec = new VmiRecordJson();

    private static List<VmiRecord> records() {
        RecordedFacts facts = new RecordedFacts(1450, List.of(new RecordedFacts.Route("0.0.0.0/0", "10.1.0.1"),
                new RecordedFacts.Route("10.1.0.0/16", null), new RecordedFacts.Route("::/0", "fe80::1")),
                List.of("10.96.0.10", "fd00::a"), List.of("svc.cluster.local", "cluster.local"), "fe80::1");
        VNicRecord serving = new VNicRecord(new VNicRecord.Nic(0, "default", "02:00:00:00:00:01", "virtio", "vmi0", "pdnbr-vmi0"),
                Step.SERVING, facts, new DhcpServer("dnsmasq", "pdnbr-vmi0", "/var/lib/podnic/dhcp/pdnbr-vmi0.pid"),
                new VNicRecord.Guest("10.1.0.2/16", "10.1.0.1", List.of("0.0.0.0/0 via 10.1.0.1"), 1450, List.of("10.96.0.10"),
                        "fd00::2/64", "fe80::1"));
        VNicRecord pending = VNicRecord.pending(new VNicRecord.Nic(3, "second", "02:00:00:00:00:02", "e1000", "vmi3", "pdnbr-vmi3"));
        return List.of(
                new VmiRecord("default", "vm1", "uid-1", "podnic-abc", "/proc/1/ns/net", "podnet", "dnsmasq", List.of(serving, pending),
                        "default_vm1"),
                new VmiRecord("ns", "vm2", null, null, null, null, null, List.of(), null));
    }

    /** The file as podnic has written it since records were files (Jackson's data binding of the flat record, kept as text). */
    private static String file(int i) throws IOException {
        try (var in = VmiRecordJsonTest.class.getResourceAsStream("record-" + i + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesTheFileByteForByte() throws Exception {
        List<VmiRecord> records = records();
        for (int i = 0; i < records.size(); i++) {
            assertThat(new String(codec.write(records.get(i)), StandardCharsets.UTF_8)).isEqualTo(file(i));
        }
    }

    @Test
    void readsTheFileBack() throws Exception {
        List<VmiRecord> records = records();
        for (int i = 0; i < records.size(); i++) {
            assertThat(codec.read(file(i).getBytes(StandardCharsets.UTF_8))).isEqualTo(records.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"namespace\":\"default\",\"name\":\"old\",\"nics\":[{\"index\":0,\"name\":\"default\",\"step\":\"BRIDGED\","
            + "\"facts\":{\"mtu\":1500,\"routes\":[{\"destination\":\"0.0.0.0/0\",\"gateway\":\"10.0.0.1\"}]}}]}",
        "{\"namespace\":\"n\",\"name\":\"nulls\",\"identity\":null,\"nics\":[{\"index\":1,\"step\":null,\"facts\":null,\"dhcp\":null,"
            + "\"routes\":null,\"dns\":null}],\"domain\":null}",
    })
    void readsRecordsFromBeforeAFieldExistedAsDataBindingDid(String text) throws Exception {
        VNicRecord n = codec.read(text.getBytes(StandardCharsets.UTF_8)).nics().get(0);
        assertThat(n.dhcp()).isNull();
        assertThat(n.address()).isNull();
        assertThat(n.routes()).isEmpty();
        assertThat(n.dns()).isEmpty();
        assertThat(n.mtu()).isZero();
        assertThat(n.mac()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"name\":\"x\"}", "{\"nics\":{}}", "{\"nics\":[{\"step\":\"FLYING\"}]}",
        "{\"nics\":[{\"index\":\"zero\"}]}", "{\"nics\":[{\"dns\":[1]}]}", "{\"nics\":[7]}", "{\"name\":"})
    void refusesWhatIsNotARecord(String text) {
        assertThatThrownBy(() -> codec.read(text.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }
}
