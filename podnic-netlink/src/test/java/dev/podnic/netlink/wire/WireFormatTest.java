package dev.podnic.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests byte for byte as rtnetlink defines them (hand-assembled from linux/rtnetlink.h and
 * checked against what the kernel accepts in KernelNetworkOpsIT), and replies decoded from
 * messages captured from the kernel (6.18) for a bridge "pdnbr0" with MAC 02:00:5e:10:00:01,
 * MTU 1450, up, address 10.99.0.5/24 and a route 10.98.0.0/16 via 10.99.0.1 metric 50.
 */
class WireFormatTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static List<NlMessage> captured(String name) throws IOException {
        List<NlMessage> out = new ArrayList<>();
        try (InputStream in = WireFormatTest.class.getResourceAsStream(name + ".hex")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank()) {
                    byte[] datagram = HEX.parseHex(line.strip());
                    out.addAll(NlMessage.split(datagram, datagram.length));
                }
            }
        }
        return out;
    }

    @Test
    void createBridge() {
        assertThat(hex(LinkCodec.create("pdnbr0", "bridge"))).isEqualTo(
                "3c000000" + "1000" + "0506" + "00000000" + "00000000"      // nlmsghdr: NEWLINK, REQUEST|ACK|EXCL|CREATE
                + "00000000000000000000000000000000"                          // ifinfomsg
                + "0b000300" + "70646e6272300000"                             // IFLA_IFNAME "pdnbr0\0" + pad
                + "10001200" + "0b000100" + "6272696467650000");              // IFLA_LINKINFO { IFLA_INFO_KIND "bridge\0" }
    }

    @Test
    void setUp() {
        assertThat(hex(LinkCodec.setUp("pdnbr0", true))).isEqualTo(
                "2c000000" + "1300" + "0500" + "00000000" + "00000000"      // SETLINK, REQUEST|ACK
                + "00000000" + "00000000" + "01000000" + "01000000"           // flags IFF_UP, change IFF_UP
                + "0b000300" + "70646e6272300000");
    }

    @Test
    void plugSetsMtuMasterAndUpInOneRequest() {
        assertThat(hex(LinkCodec.plug("pdnv0", 1450, 7))).isEqualTo(
                "3c000000" + "1300" + "0500" + "00000000" + "00000000"      // SETLINK, REQUEST|ACK
                + "00000000" + "00000000" + "01000000" + "01000000"           // flags IFF_UP, change IFF_UP
                + "0a000300" + "70646e7630000000"                             // IFLA_IFNAME "pdnv0\0" + pad
                + "08000400" + "aa050000"                                     // IFLA_MTU 1450
                + "08000a00" + "07000000");                                   // IFLA_MASTER 7
        assertThat(hex(LinkCodec.plug("pdnv0", 0, 7))).as("no MTU asked: none sent").isEqualTo(
                "34000000" + "1300" + "0500" + "00000000" + "00000000"
                + "00000000" + "00000000" + "01000000" + "01000000"
                + "0a000300" + "70646e7630000000"
                + "08000a00" + "07000000");
    }

    @Test
    void routeDumpOfOneFamilyAndOfAll() {
        assertThat(hex(RouteCodec.dump(Family.V6))).isEqualTo(
                "1c000000" + "1a00" + "0103" + "00000000" + "00000000"      // GETROUTE, REQUEST|DUMP
                + "0a000000" + "00000000" + "00000000");                      // rtmsg: AF_INET6, all else 0
        assertThat(hex(RouteCodec.dumpAll())).isEqualTo(
                "1c000000" + "1a00" + "0103" + "00000000" + "00000000"
                + "00000000" + "00000000" + "00000000");                      // AF_UNSPEC: every family
    }

    @Test
    void addIpv4Address() {
        assertThat(hex(AddressCodec.add(5, IpNet.parse("10.99.0.5/24"), Scope.UNIVERSE))).isEqualTo(
                "28000000" + "1400" + "0506" + "00000000" + "00000000"      // NEWADDR
                + "02180000" + "05000000"                                     // AF_INET, /24, flags 0, scope 0, index 5
                + "08000200" + "0a630005"                                     // IFA_LOCAL
                + "08000100" + "0a630005");                                   // IFA_ADDRESS
    }

    @Test
    void addIpv6AddressSkipsDad() {
        assertThat(hex(AddressCodec.add(5, IpNet.parse("fd00::5/64"), Scope.UNIVERSE))).isEqualTo(
                "48000000" + "1400" + "0506" + "00000000" + "00000000"
                + "0a400000" + "05000000"
                + "14000200" + "fd000000000000000000000000000005"
                + "14000100" + "fd000000000000000000000000000005"
                + "08000800" + "02000000");                                   // IFA_FLAGS = IFA_F_NODAD
    }

    @Test
    void addRouteViaGatewayWithMetric() {
        Route r = Route.via(IpNet.parse("10.98.0.0/16"), IpLiteral.parse("10.99.0.1"), 5).withMetric(50);
        assertThat(hex(RouteCodec.add(r))).isEqualTo(
                "3c000000" + "1800" + "0506" + "00000000" + "00000000"      // NEWROUTE
                + "02100000" + "fe030001" + "00000000"                        // AF_INET /16, table main, proto boot, scope universe, unicast
                + "08000100" + "0a620000"                                     // RTA_DST
                + "08000500" + "0a630001"                                     // RTA_GATEWAY
                + "08000400" + "05000000"                                     // RTA_OIF
                + "08000600" + "32000000");                                   // RTA_PRIORITY 50
    }

    @Test
    void vethPeerIntoAnotherNamespace() {
        assertThat(hex(LinkCodec.createVeth("v0", "v1", 7))).isEqualTo(
                "60000000" + "1000" + "0506" + "00000000" + "00000000"
                + "00000000000000000000000000000000"
                + "07000300" + "76300000"                                     // IFLA_IFNAME "v0"
                + "38001200"                                                  // IFLA_LINKINFO
                + "09000100" + "7665746800000000"                             //   IFLA_INFO_KIND "veth"
                + "28000200"                                                  //   IFLA_INFO_DATA
                + "24000100"                                                  //     VETH_INFO_PEER
                + "00000000000000000000000000000000"                          //       ifinfomsg
                + "07000300" + "76310000"                                     //       IFLA_IFNAME "v1"
                + "08001c00" + "07000000");                                   //       IFLA_NET_NS_FD 7
    }

    @Test
    void deviceGroupSetAndDeletedAsOne() {
        assertThat(hex(LinkCodec.setGroup(9, 0x40000001))).isEqualTo(
                "28000000" + "1000" + "0500" + "00000000" + "00000000"      // NEWLINK, REQUEST|ACK (changes an existing link)
                + "00000000" + "09000000" + "00000000" + "00000000"           // index 9
                + "08001b00" + "01000040");                                   // IFLA_GROUP
        assertThat(hex(LinkCodec.deleteGroup(0x40000001))).isEqualTo(
                "28000000" + "1100" + "0500" + "00000000" + "00000000"      // DELLINK, REQUEST|ACK
                + "00000000000000000000000000000000"                          // no index: every link of the group
                + "08001b00" + "01000040");
    }

    @Test
    void bridgePortLearningUsesAfBridgeProtinfo() {
        assertThat(hex(LinkCodec.setLearning(9, false))).isEqualTo(
                "2c000000" + "1300" + "0500" + "00000000" + "00000000"
                + "07000000" + "09000000" + "00000000" + "00000000"           // AF_BRIDGE, index 9
                + "0c000c80" + "05000800" + "00000000");                      // IFLA_PROTINFO|NESTED { IFLA_BRPORT_LEARNING 0 }
    }

    @Test
    void decodesACapturedLink() throws IOException {
        List<NlMessage> msgs = captured("link-bridge");
        assertThat(msgs).hasSize(1);
        Link l = LinkCodec.decode(msgs.get(0));
        assertThat(l.name()).isEqualTo("pdnbr0");
        assertThat(l.kind()).isEqualTo("bridge");
        assertThat(l.mac()).isEqualTo(MacAddress.parse("02:00:5e:10:00:01"));
        assertThat(l.mtu()).isEqualTo(1450);
        assertThat(l.up()).isTrue();
        assertThat(l.masterIndex()).isZero();
        assertThat(l.index()).isEqualTo(2);
    }

    @Test
    void decodesACapturedAddressDump() throws IOException {
        List<NlMessage> msgs = captured("addr-dump");
        assertThat(msgs.get(msgs.size() - 1).type()).isEqualTo(Rtnl.NLMSG_DONE);
        List<Address> addrs = msgs.stream().filter(m -> m.type() == Rtnl.RTM_NEWADDR).map(AddressCodec::decode).toList();
        assertThat(addrs).containsExactly(new Address(2, IpNet.parse("10.99.0.5/24"), Scope.UNIVERSE));
    }

    @Test
    void decodesACapturedRouteDump() throws IOException {
        List<Route> routes = captured("route-dump-v4").stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWROUTE).map(RouteCodec::decode).toList();
        assertThat(routes).contains(
                new Route(IpNet.parse("10.98.0.0/16"), IpLiteral.parse("10.99.0.1"), 2, Scope.UNIVERSE, 50, 254, false,
                        Route.PROTO_BOOT, null),
                new Route(IpNet.parse("10.99.0.0/24"), null, 2, Scope.LINK, null, 254, false, Route.PROTO_KERNEL,
                        IpLiteral.parse("10.99.0.5")));
    }

    /**
     * IPv6 merges a second default route through another link into one multipath route (captured: ::/0
     * via fd00:9::1 on links 3 and 5, metric 1024): read as one route per next hop, each deletable alone.
     */
    @Test
    void decodesACapturedMultipathRouteOneRoutePerNextHop() throws IOException {
        List<Route> defaults = captured("route-dump-v6-multipath").stream()
                .filter(m -> m.type() == Rtnl.RTM_NEWROUTE).flatMap(m -> RouteCodec.decodeNexthops(m).stream())
                .filter(r -> r.destination().prefixLength() == 0).toList();
        assertThat(defaults).containsExactly(
                new Route(IpNet.parse("::/0"), IpLiteral.parse("fd00:9::1"), 3, Scope.UNIVERSE, 1024, 254, false, Route.PROTO_BOOT, null),
                new Route(IpNet.parse("::/0"), IpLiteral.parse("fd00:9::1"), 5, Scope.UNIVERSE, 1024, 254, false, Route.PROTO_BOOT, null));
    }

    @Test
    void decodesCapturedErrorsWithAndWithoutTheKernelsMessage() throws IOException {
        NlMessage mtu = captured("error-mtu").get(0);
        assertThat(mtu.type()).isEqualTo(Rtnl.NLMSG_ERROR);
        assertThat(mtu.seq()).isEqualTo(4242);
        assertThat(mtu.errorCode()).isEqualTo(22);
        assertThat(mtu.extendedAckMessage()).isEqualTo("mtu greater than device maximum");

        NlMessage exists = captured("error-eexist").get(0);
        assertThat(exists.errorCode()).isEqualTo(17);
        assertThat(exists.extendedAckMessage()).isNull();
    }
}
