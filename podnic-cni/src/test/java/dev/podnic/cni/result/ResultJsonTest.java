package dev.podnic.cni.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.version.SpecVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResultJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String FULL_110 = "{\"cniVersion\":\"1.1.0\","
            + "\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0a:00:00:00:00:01\"},"
            + "{\"name\":\"vmi0\",\"mac\":\"0a:00:00:00:00:02\",\"mtu\":1400,\"sandbox\":\"/run/netns/p1\","
            + "\"socketPath\":\"/run/s.sock\",\"pciID\":\"0000:00:01.0\"}],"
            + "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"},"
            + "{\"interface\":1,\"address\":\"fd00:0:0:0:0:0:0:5/64\",\"gateway\":\"fd00::1\"},"
            + "{\"interface\":1,\"address\":\"10.1.0.6/24\"}],"
            + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,\"priority\":10,"
            + "\"table\":100,\"scope\":0},{\"dst\":\"::/0\",\"gw\":\"fd00::1\"}],"
            + "\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"domain\":\"cluster.local\","
            + "\"search\":[\"default.svc.cluster.local\"],\"options\":[\"ndots:5\"]}}";

    private static final String DNS = "\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"domain\":\"cluster.local\","
            + "\"search\":[\"default.svc.cluster.local\"],\"options\":[\"ndots:5\"]}";

    private static final String IFACES_PRE_11 = "\"interfaces\":[{\"name\":\"br0\",\"mac\":\"0a:00:00:00:00:01\"},"
            + "{\"name\":\"vmi0\",\"mac\":\"0a:00:00:00:00:02\",\"sandbox\":\"/run/netns/p1\"}]";

    private static final String ROUTES_PRE_11 = "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"},"
            + "{\"dst\":\"::/0\",\"gw\":\"fd00::1\"}]";

    private static String write(String input, SpecVersion target) throws Exception {
        CniResult r = ResultJson.parse(JSON.readTree(input), SpecVersion.V0_1_0);
        return JSON.writeValueAsString(ResultJson.write(r, target));
    }

    @Test
    void writes110Unchanged_exceptCanonicalIpv6() throws Exception {
        assertThat(write(FULL_110, SpecVersion.V1_1_0)).isEqualTo(FULL_110.replace("fd00:0:0:0:0:0:0:5", "fd00::5"));
    }

    @Test
    void downTo100DropsTheFieldsAddedIn110() throws Exception {
        assertThat(write(FULL_110, SpecVersion.V1_0_0)).isEqualTo("{\"cniVersion\":\"1.0.0\"," + IFACES_PRE_11 + ","
                + "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"},"
                + "{\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"},"
                + "{\"interface\":1,\"address\":\"10.1.0.6/24\"}]," + ROUTES_PRE_11 + "," + DNS + "}");
    }

    @ParameterizedTest
    @CsvSource({"0.4.0", "0.3.1", "0.3.0"})
    void downTo04xAddsAddressVersions(String version) throws Exception {
        assertThat(write(FULL_110, SpecVersion.parse(version))).isEqualTo("{\"cniVersion\":\"" + version + "\","
                + IFACES_PRE_11 + ","
                + "\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"},"
                + "{\"version\":\"6\",\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"},"
                + "{\"version\":\"4\",\"interface\":1,\"address\":\"10.1.0.6/24\"}]," + ROUTES_PRE_11 + "," + DNS + "}");
    }

    @ParameterizedTest
    @CsvSource({"0.2.0", "0.1.0"})
    void downTo02xKeepsFirstAddressPerFamilyAndSortsRoutesByFamily(String version) throws Exception {
        assertThat(write(FULL_110, SpecVersion.parse(version))).isEqualTo("{\"cniVersion\":\"" + version + "\","
                + "\"ip4\":{\"ip\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}]},"
                + "\"ip6\":{\"ip\":\"fd00::5/64\",\"gateway\":\"fd00::1\",\"routes\":[{\"dst\":\"::/0\",\"gw\":\"fd00::1\"}]},"
                + DNS + "}");
    }

    @Test
    void upFrom020() throws Exception {
        String v020 = "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\","
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{}}";
        assertThat(write(v020, SpecVersion.V1_0_0)).isEqualTo("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}");
        assertThat(write(v020, SpecVersion.V0_4_0)).isEqualTo("{\"cniVersion\":\"0.4.0\","
                + "\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}");
    }

    @Test
    void upFrom040DropsTheVersionField() throws Exception {
        String v040 = "{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}],"
                + "\"ips\":[{\"version\":\"4\",\"interface\":0,\"address\":\"10.1.0.5/24\"}]}";
        assertThat(write(v040, SpecVersion.V1_1_0)).isEqualTo("{\"cniVersion\":\"1.1.0\","
                + "\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/run/netns/x\"}],"
                + "\"ips\":[{\"interface\":0,\"address\":\"10.1.0.5/24\"}],\"dns\":{}}");
    }

    @Test
    void anEmptyDnsIsWrittenAsLibcniDoes() throws Exception {
        // libcni's types (Go structs) print "dns": {} whatever the result holds; a result read and
        // written again by podnic is byte-for-byte what the plugin printed.
        String fromBridgePlugin = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"0a:58:0a:f4:01:01\"},"
                + "{\"name\":\"vmi0\",\"mac\":\"26:16:6e:a3:32:50\",\"sandbox\":\"/run/netns/p\"}],"
                + "\"ips\":[{\"interface\":1,\"address\":\"10.244.1.7/24\",\"gateway\":\"10.244.1.1\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{}}";
        assertThat(write(fromBridgePlugin, SpecVersion.V1_0_0)).isEqualTo(fromBridgePlugin);
    }

    @Test
    void missingVersionMeansTheAssumedOne() throws Exception {
        CniResult r = ResultJson.parse(JSON.readTree("{\"ip4\":{\"ip\":\"10.0.0.2/8\"}}"), SpecVersion.V0_1_0);
        assertThat(r.version()).isEqualTo(SpecVersion.V0_1_0);
        assertThat(r.ips()).extracting(ip -> ip.address().toString()).containsExactly("10.0.0.2/8");
    }

    @Test
    void cannotWriteLegacyWithoutAddresses() throws Exception {
        CniResult r = ResultJson.parse(JSON.readTree("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"lo\"}]}"),
                SpecVersion.V1_0_0);
        assertThatThrownBy(() -> ResultJson.write(r, SpecVersion.V0_2_0))
                .hasMessageContaining("has no IP address");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> ResultJson.parse(JSON.readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"gateway\":\"10.0.0.1\"}]}"),
                SpecVersion.V1_0_0)).hasMessage("ips[0].address is missing");
        assertThatThrownBy(() -> ResultJson.parse(JSON.readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"interface\":3,"
                + "\"address\":\"10.0.0.2/24\"}]}"), SpecVersion.V1_0_0))
                .hasMessageContaining("ips[0].interface 3 does not index interfaces[]");
        assertThatThrownBy(() -> ResultJson.parse(JSON.readTree("{\"cniVersion\":\"1.0.0\",\"routes\":[{\"dst\":\"example.com/8\"}]}"),
                SpecVersion.V1_0_0)).hasMessageContaining("routes[0].dst").hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> ResultJson.parse(JSON.readTree("{\"cniVersion\":\"9.9.9\"}"), SpecVersion.V1_0_0))
                .hasMessageContaining("unsupported CNI version \"9.9.9\"");
    }
}
