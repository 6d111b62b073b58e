package dev.podnic.binding.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmiSpec;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final VmiSpec VMI = PlanFixtures.VMI;
    private static final PodFacts FACTS = PlanFixtures.FACTS;

    @Test
    void bridgePluginResultBecomesTheGuestsConfig() throws Exception {
        VNicPlan p = Planner.plan(VMI, VMI.nics().get(0), PlanFixtures.bridgeResult("10.244.1.7/24", "10.244.1.1"), FACTS);
        assertThat(p.vmiInterface()).isEqualTo("vmi0");
        assertThat(p.bridge()).isEqualTo("pdnbr-vmi0");
        assertThat(p.bridgeAddress()).isEqualTo(IpNet.parse("169.254.75.1/32"));
        GuestConfig g = p.guest();
        assertThat(g.address()).isEqualTo(IpNet.parse("10.244.1.7/24"));
        assertThat(g.gateway()).isEqualTo(IpLiteral.parse("10.244.1.1"));
        assertThat(g.routes()).containsExactly(
                new GuestRoute(IpNet.parse("169.254.75.1/32"), null),
                new GuestRoute(IpNet.parse("10.244.1.1/32"), null),
                new GuestRoute(IpNet.parse("0.0.0.0/0"), IpLiteral.parse("10.244.1.1")));
        assertThat(g.mtu()).isEqualTo(1450);
        assertThat(g.dnsServers()).containsExactly(IpLiteral.parse("10.96.0.10"));
        assertThat(g.searchDomains()).containsExactly("svc.cluster.local");
        assertThat(g.hostname()).isEqualTo("testvm");
    }

    @Test
    void secondVNicGetsItsOwnBridgeAndServerAddress() throws Exception {
        VNicPlan p = Planner.plan(VMI, VMI.nics().get(1), PlanFixtures.bridgeResult("10.244.1.8/24", "10.244.1.1"), FACTS);
        assertThat(p.bridge()).isEqualTo("pdnbr-vmi1");
        assertThat(p.bridgeAddress()).isEqualTo(IpNet.parse("169.254.75.2/32"));
        assertThat(p.guest().routes().get(0).destination()).isEqualTo(IpNet.parse("169.254.75.2/32"));
    }

    @Test
    void routesFromTheResultAndTheInterfaceKeepTheirGatewaysAndTheDefaultComesLast() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.254\"},{\"dst\":\"10.96.0.0/12\"}]}"), SpecVersion.V1_0_0);
        PodFacts facts = new PodFacts(1500, List.of(new GuestRoute(IpNet.parse("10.2.0.0/16"), IpLiteral.parse("10.1.0.1")),
                new GuestRoute(IpNet.parse("10.96.0.0/12"), IpLiteral.parse("10.1.0.1"))), List.of(), List.of());
        GuestConfig g = Planner.plan(VMI, VMI.nics().get(0), r, facts).guest();
        assertThat(g.routes()).containsExactly(
                new GuestRoute(IpNet.parse("169.254.75.1/32"), null),
                new GuestRoute(IpNet.parse("10.1.0.1/32"), null),
                new GuestRoute(IpNet.parse("10.96.0.0/12"), IpLiteral.parse("10.1.0.1")),
                new GuestRoute(IpNet.parse("10.2.0.0/16"), IpLiteral.parse("10.1.0.1")),
                new GuestRoute(IpNet.parse("0.0.0.0/0"), IpLiteral.parse("10.1.0.254")));
        assertThat(g.dnsServers()).isEmpty();
    }

    @Test
    void aRoutedSubnetLikePtpsIsHandedOutAsSlash32WithTheSubnetViaTheGateway() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"10.251.3.3/24\",\"gateway\":\"10.251.3.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}"),
                SpecVersion.V1_0_0);
        PodFacts ptp = new PodFacts(1500, List.of(new GuestRoute(IpNet.parse("10.251.3.0/24"), IpLiteral.parse("10.251.3.1"))),
                List.of(), List.of());
        GuestConfig g = Planner.plan(VMI, VMI.nics().get(0), r, ptp).guest();
        assertThat(g.address()).isEqualTo(IpNet.parse("10.251.3.3/32"));
        assertThat(g.routes()).containsExactly(
                new GuestRoute(IpNet.parse("169.254.75.1/32"), null),
                new GuestRoute(IpNet.parse("10.251.3.1/32"), null),
                new GuestRoute(IpNet.parse("10.251.3.0/24"), IpLiteral.parse("10.251.3.1")),
                new GuestRoute(IpNet.parse("0.0.0.0/0"), IpLiteral.parse("10.251.3.1")));
    }

    @Test
    void resolvConfIsTheDnsFallback() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"}]}"), SpecVersion.V1_0_0);
        GuestConfig g = Planner.plan(VMI, VMI.nics().get(0), r, FACTS).guest();
        assertThat(g.dnsServers()).containsExactly(IpLiteral.parse("192.0.2.53"));
        assertThat(g.searchDomains()).containsExactly("example.test");
    }

    @Test
    void aResultWithoutIpv4CannotBeServed() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"fd00::5/64\"}]}"), SpecVersion.V1_0_0);
        assertThatThrownBy(() -> Planner.plan(VMI, VMI.nics().get(0), r, FACTS)).isInstanceOf(PlanException.class)
                .hasMessageContaining("vNIC nic0 (vmi0): the CNI result has no IPv4 address");
    }

    @Test
    void everyVmiInterfaceIndexGetsItsOwnBridgeAddress() {
        assertThat(Planner.bridgeAddress(0)).isEqualTo(IpNet.parse("169.254.75.1/32"));
        assertThat(Planner.bridgeAddress(253)).isEqualTo(IpNet.parse("169.254.75.254/32"));
        assertThat(Planner.bridgeAddress(254)).isEqualTo(IpNet.parse("169.254.75.255/32"));
        assertThat(Planner.bridgeAddress(999)).isEqualTo(IpNet.parse("169.254.78.232/32"));
        assertThat(java.util.stream.IntStream.range(0, 1000).mapToObj(Planner::bridgeAddress).distinct().count()).isEqualTo(1000);
    }
}
