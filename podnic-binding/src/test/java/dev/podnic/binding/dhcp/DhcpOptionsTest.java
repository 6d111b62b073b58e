package dev.podnic.binding.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.PlanFixtures;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhcpOptionsTest {

    @Test
    void classlessRoutesAreEncodedAsRfc3442Says() {
        List<GuestRoute> routes = List.of(
                new GuestRoute(IpNet.parse("0.0.0.0/0"), IpLiteral.parse("10.0.0.1")),
                new GuestRoute(IpNet.parse("10.0.0.0/8"), IpLiteral.parse("10.0.0.1")),
                new GuestRoute(IpNet.parse("10.17.0.0/16"), IpLiteral.parse("10.0.0.1")),
                new GuestRoute(IpNet.parse("10.229.0.128/25"), IpLiteral.parse("10.0.0.1")),
                new GuestRoute(IpNet.parse("10.198.122.47/32"), null));
        assertThat(HexFormat.of().formatHex(ClasslessRoutes.encode(routes))).isEqualTo(
                "00" + "0a000001"
                + "08" + "0a" + "0a000001"
                + "10" + "0a11" + "0a000001"
                + "19" + "0ae50080" + "0a000001"
                + "20" + "0ac67a2f" + "00000000");
    }

    @Test
    void dnsmasqOptionsForABridgePluginVNic() throws Exception {
        VNicPlan p = Planner.plan(PlanFixtures.VMI, PlanFixtures.VMI.nics().get(0),
                PlanFixtures.bridgeResult("10.244.1.7/24", "10.244.1.1"), PlanFixtures.FACTS);
        assertThat(DnsmasqOptions.dhcp(p)).containsExactly(
                "port=0",
                "shared-network=pdnbr-vmi0,10.244.1.0",
                "dhcp-range=10.244.1.0,static,255.255.255.0,86400",
                "dhcp-host=00:11:22:33:44:55,10.244.1.7,testvm,86400",
                "dhcp-option=option:router,10.244.1.1",
                "dhcp-option=option:classless-static-route,169.254.75.1/32,0.0.0.0,10.244.1.1/32,0.0.0.0,0.0.0.0/0,10.244.1.1",
                "dhcp-option=option:mtu,1450",
                "dhcp-option=option:dns-server,10.96.0.10",
                "dhcp-option=option:domain-search,svc.cluster.local",
                "dhcp-authoritative");
    }

    private static VNicPlan planFor(String ips) throws Exception {
        dev.podnic.cni.result.CniResult r = dev.podnic.cni.result.ResultJson.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"cniVersion\":\"1.0.0\",\"ips\":" + ips + ",\"routes\":[{\"dst\":\"::/0\"}],"
                        + "\"dns\":{\"nameservers\":[\"fd00:96::a\"],\"search\":[\"svc.cluster.local\"]}}"),
                dev.podnic.cni.version.SpecVersion.V1_0_0);
        return Planner.plan(PlanFixtures.VMI, PlanFixtures.VMI.nics().get(0), r, PlanFixtures.FACTS);
    }

    @Test
    void dualStackAddsStatefulDhcpv6ForExactlyTheAddressOnTheSameHostLine() throws Exception {
        VNicPlan p = planFor("[{\"address\":\"10.244.1.7/24\",\"gateway\":\"10.244.1.1\"},"
                + "{\"address\":\"fd00:10::7/64\",\"gateway\":\"fd00:10::1\"}]");
        assertThat(DnsmasqOptions.dhcp(p)).containsExactly(
                "port=0",
                "shared-network=pdnbr-vmi0,10.244.1.0",
                "dhcp-range=10.244.1.0,static,255.255.255.0,86400",
                "shared-network=pdnbr-vmi0,fd00:10::",
                "dhcp-range=fd00:10::,static,64,86400",
                "dhcp-host=00:11:22:33:44:55,10.244.1.7,[fd00:10::7],testvm,86400",
                "dhcp-option=option:router,10.244.1.1",
                "dhcp-option=option:classless-static-route,169.254.75.1/32,0.0.0.0,10.244.1.1/32,0.0.0.0,0.0.0.0/0,10.244.1.1",
                "dhcp-option=option:mtu,1450",
                "dhcp-option=option:domain-search,svc.cluster.local",
                "dhcp-option=option6:dns-server,[fd00:96::a]",
                "dhcp-option=option6:domain-search,svc.cluster.local",
                "dhcp-authoritative");
    }

    @Test
    void ipv6OnlyServesNoDhcpv4AtAll() throws Exception {
        VNicPlan p = planFor("[{\"address\":\"fd00:10::7/64\",\"gateway\":\"fd00:10::1\"}]");
        assertThat(DnsmasqOptions.dhcp(p, true)).containsExactly(
                "port=0",
                "shared-network=pdnbr-vmi0,fd00:10::",
                "dhcp-range=fd00:10::,static,64,86400",
                "dhcp-host=*:*:*:*:*:*,[fd00:10::7],testvm,86400",
                "dhcp-option=option6:dns-server,[fd00:96::a]",
                "dhcp-option=option6:domain-search,svc.cluster.local",
                "dhcp-authoritative");
    }

    @Test
    void masks() {
        assertThat(DnsmasqOptions.mask(24)).isEqualTo("255.255.255.0");
        assertThat(DnsmasqOptions.mask(16)).isEqualTo("255.255.0.0");
        assertThat(DnsmasqOptions.mask(25)).isEqualTo("255.255.255.128");
        assertThat(DnsmasqOptions.mask(32)).isEqualTo("255.255.255.255");
        assertThat(DnsmasqOptions.mask(0)).isEqualTo("0.0.0.0");
    }
}
