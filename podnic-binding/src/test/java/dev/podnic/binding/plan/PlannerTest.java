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
    void aResultWithoutAnyAddressCannotBeServed() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[]}"), SpecVersion.V1_0_0);
        assertThatThrownBy(() -> Planner.plan(VMI, VMI.nics().get(0), r, FACTS)).isInstanceOf(PlanException.class)
                .hasMessageContaining("vNIC nic0 (vmi0): the CNI result has no address to hand to the guest");
    }

    private static CniResult dualStack(String routes) throws Exception {
        return ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"10.244.1.7/24\",\"gateway\":\"10.244.1.1\"},"
                + "{\"address\":\"fd00:10::7/64\",\"gateway\":\"fd00:10::1\"}],\"routes\":" + routes + ","
                + "\"dns\":{\"nameservers\":[\"10.96.0.10\",\"fd00:96::a\",\"fe80::53\"],\"search\":[\"svc.cluster.local\"]}}"),
                SpecVersion.V1_0_0);
    }

    @Test
    void aDualStackBridgeGuestGetsItsIpv6AddressTheGatewaysLinkLocalAsRouterAndTheOnLinkPrefix() throws Exception {
        PodFacts facts = new PodFacts(1450, List.of(new GuestRoute(IpNet.parse("::/0"), IpLiteral.parse("fd00:10::1"))), List.of(),
                List.of(), IpLiteral.parse("fe80::1:2ff:fe03:405"));
        VNicPlan p = Planner.plan(VMI, VMI.nics().get(0), dualStack("[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]"), facts);
        GuestConfig g = p.guest();
        assertThat(g.address()).isEqualTo(IpNet.parse("10.244.1.7/24"));
        assertThat(g.dnsServers()).containsExactly(IpLiteral.parse("10.96.0.10"));
        assertThat(g.routes()).allMatch(r -> r.destination().isIpv4());
        assertThat(g.ipv6()).isEqualTo(new GuestIpv6(IpNet.parse("fd00:10::7/64"), true, IpLiteral.parse("fd00:10::1"),
                IpLiteral.parse("fe80::1:2ff:fe03:405"), List.of(IpLiteral.parse("fd00:96::a")))); // no link-local DNS
        assertThat(p.dhcpv6Address()).isEqualTo(IpNet.parse("fd70:6f64:6e69:63::1/64"));
        assertThat(g.addresses()).containsExactly(IpNet.parse("10.244.1.7/24"), IpNet.parse("fd00:10::7/64"));
    }

    @Test
    void aRoutedIpv6PrefixLikePtpsIsNotOnLink() throws Exception {
        PodFacts ptp = new PodFacts(1500, List.of(new GuestRoute(IpNet.parse("fd00:10::1/128"), null),
                new GuestRoute(IpNet.parse("fd00:10::/64"), IpLiteral.parse("fd00:10::1")),
                new GuestRoute(IpNet.parse("::/0"), IpLiteral.parse("fd00:10::1"))), List.of(), List.of(),
                IpLiteral.parse("fe80::99"));
        GuestIpv6 v6 = Planner.plan(VMI, VMI.nics().get(0), dualStack("[]"), ptp).guest().ipv6();
        assertThat(v6.onLink()).isFalse();
        assertThat(v6.router()).isEqualTo(IpLiteral.parse("fe80::99"));
    }

    @Test
    void aLinkLocalDefaultGatewayIsTheRouterAsItIs() throws Exception {
        CniResult r = ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[{\"address\":\"fd00:20::5/128\"}],\"routes\":[{\"dst\":\"::/0\",\"gw\":\"fe80::ecee:eeff:feee:eeee\"}]}"),
                SpecVersion.V1_0_0);
        assertThat(Planner.ipv6Gateway(r, "vmi0", List.of())).contains(IpLiteral.parse("fe80::ecee:eeff:feee:eeee"));
        VNicPlan p = Planner.plan(VMI, VMI.nics().get(0), r, FACTS);
        assertThat(p.guest().address()).isNull(); // IPv6 only: no DHCPv4 at all
        assertThat(p.guest().routes()).isEmpty();
        assertThat(p.guest().ipv6().router()).isEqualTo(IpLiteral.parse("fe80::ecee:eeff:feee:eeee"));
        assertThat(p.dhcpv6Address()).isEqualTo(IpNet.parse("fd70:6f64:6e69:63::1/128"));
    }

    @Test
    void withoutTheGatewaysLinkLocalAddressNoRouterIsAdvertised() throws Exception {
        GuestIpv6 v6 = Planner.plan(VMI, VMI.nics().get(1), dualStack("[]"), FACTS).guest().ipv6();
        assertThat(v6.router()).isNull();
        assertThat(v6.gateway()).isEqualTo(IpLiteral.parse("fd00:10::1"));
        assertThat(Planner.dhcpv6Address(1, 64)).isEqualTo(IpNet.parse("fd70:6f64:6e69:63::2/64"));
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
