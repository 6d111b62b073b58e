package dev.podnic.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.netns.NetnsException;
import dev.podnic.netlink.sys.Errno;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What podnic relies on from the kernel, asserted once and run against both the real kernel
 * (KernelNetworkOpsIT, in namespaces the test creates) and the fake (FakeNetworkOpsTest), so the
 * fake cannot drift. Every refused request must leave the namespace exactly as it was.
 */
public abstract class NetworkOpsContract {
    protected NetworkOps ops;
    protected Path peerPath;
    protected NetworkOps peer;

    /** A fresh, empty namespace (only lo, down); its path. */
    protected abstract Path createNamespace();

    protected abstract NetworkOps open(Path namespace);

    protected abstract void deleteNamespaces();

    @BeforeEach
    void namespaces() {
        ops = open(createNamespace());
        peerPath = createNamespace();
        peer = open(peerPath);
    }

    @AfterEach
    void cleanUp() {
        ops.close();
        peer.close();
        deleteNamespaces();
    }

    private static IpNet net(String s) {
        return IpNet.parse(s);
    }

    /** Addresses podnic assigned: IPv6 link-local ones come and go with carrier (autoconf) and are left out. */
    private List<String> assigned(String link) {
        return ops.addresses(link).stream().map(a -> a.address().toString()).filter(a -> !a.startsWith("fe80:")).sorted().toList();
    }

    private List<String> routeDestinations(Family f, int table) {
        return ops.routes(f, table).stream().map(r -> r.destination().toString())
                .filter(d -> !d.startsWith("fe80:")).sorted().toList();
    }

    /** Asserts that {@code call} fails with {@code type}/{@code errno} and leaves the namespace unchanged. */
    private <T extends NetlinkException> void refused(ThrowingCallable call, Class<T> type, Errno errno) {
        List<Link> links = ops.links();
        List<Address> addresses = ops.addresses(null);
        List<Route> v4 = ops.routes(Family.V4, Route.MAIN_TABLE);
        assertThatThrownBy(call).isInstanceOfSatisfying(type, e -> assertThat(e.errno()).isEqualTo(errno));
        assertThat(ops.links()).isEqualTo(links);
        assertThat(ops.addresses(null)).isEqualTo(addresses);
        assertThat(ops.routes(Family.V4, Route.MAIN_TABLE)).isEqualTo(v4);
    }

    @Test
    void aFreshNamespaceHasOnlyLoopbackDown() {
        assertThat(ops.links()).singleElement().satisfies(lo -> {
            assertThat(lo.name()).isEqualTo("lo");
            assertThat(lo.index()).isEqualTo(1);
            assertThat(lo.up()).isFalse();
        });
    }

    @Test
    void bridgesAreCreatedDownWithAUnicastMac() {
        Link br = ops.createBridge("pdnbr0");
        assertThat(br.kind()).isEqualTo("bridge");
        assertThat(br.up()).isFalse();
        assertThat(br.mtu()).isEqualTo(1500);
        assertThat(br.mac().isUnicast()).isTrue();
        assertThat(ops.link("pdnbr0")).isEqualTo(br);
        assertThat(ops.link("pdnbr0").index()).isEqualTo(br.index());
        assertThat(ops.findLink("absent")).isEmpty();
        assertThatThrownBy(() -> ops.link("absent")).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
    }

    @Test
    void duplicateAndInvalidNamesAreRefused() {
        ops.createBridge("pdnbr0");
        refused(() -> ops.createBridge("pdnbr0"), AlreadyExistsException.class, Errno.EEXIST);
        refused(() -> ops.createTap("pdnbr0"), AlreadyExistsException.class, Errno.EEXIST);
        refused(() -> ops.createBridge("name-of-16-chars"), InvalidRequestException.class, Errno.EINVAL);
        refused(() -> ops.createBridge("has space"), InvalidRequestException.class, Errno.EINVAL);
        refused(() -> ops.createVeth("pdnv0", "pdnbr0", null), AlreadyExistsException.class, Errno.EEXIST);
    }

    @Test
    void vethPeersCanLiveInAnotherNamespaceAndDieTogether() {
        Link here = ops.createVeth("pdnv0", "pdnv1", peerPath);
        assertThat(here.kind()).isEqualTo("veth");
        assertThat(peer.link("pdnv1").kind()).isEqualTo("veth");
        assertThat(ops.findLink("pdnv1")).isEmpty();
        ops.deleteLink("pdnv0");
        assertThat(peer.findLink("pdnv1")).isEmpty();

        ops.createVeth("pdnv2", "pdnv3", null);
        assertThat(ops.link("pdnv3").kind()).isEqualTo("veth");
        ops.deleteLink("pdnv3");
        assertThat(ops.findLink("pdnv2")).isEmpty();
    }

    @Test
    void deleteLinksRemovesTheNamedOnesThatExistAndNoOther() {
        ops.createBridge("pdnbr0");
        ops.createTap("pdntap0");
        ops.setMaster("pdntap0", "pdnbr0");
        ops.createBridge("pdnbr1");
        ops.deleteLinks(List.of("pdntap0", "pdnbr0", "pdnnone0"));
        assertThat(ops.findLink("pdnbr0")).isEmpty();
        assertThat(ops.findLink("pdntap0")).isEmpty();
        assertThat(ops.findLink("pdnbr1")).isPresent();
        ops.deleteLinks(List.of("pdnbr1"));
        ops.deleteLinks(List.of("pdnnone0", "pdnnone1")); // nothing there: nothing to do
        assertThat(ops.findLink("pdnbr1")).isEmpty();
    }

    @Test
    void tapsArePersistentTunLinks() {
        Link tap = ops.createTap("pdntap0");
        assertThat(tap.kind()).isEqualTo("tun");
        assertThat(ops.links()).extracting(Link::name).contains("pdntap0");
        ops.deleteLink("pdntap0");
        assertThat(ops.findLink("pdntap0")).isEmpty();
    }

    @Test
    void upDownMtuAndMac() {
        ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        assertThat(ops.link("pdnbr0").up()).isTrue();
        ops.setMtu("pdnbr0", 1400);
        assertThat(ops.link("pdnbr0").mtu()).isEqualTo(1400);
        MacAddress mac = MacAddress.parse("02:00:5e:10:00:01");
        ops.setMac("pdnbr0", mac);
        assertThat(ops.link("pdnbr0").mac()).isEqualTo(mac);
        ops.setUp("pdnbr0", false);
        assertThat(ops.link("pdnbr0").up()).isFalse();

        refused(() -> ops.setMtu("pdnbr0", 67), InvalidRequestException.class, Errno.EINVAL);
        refused(() -> ops.setMtu("pdnbr0", 70000), InvalidRequestException.class, Errno.EINVAL);
        refused(() -> ops.setMac("pdnbr0", MacAddress.parse("01:00:5e:00:00:01")), InvalidRequestException.class, Errno.EINVAL);
        refused(() -> ops.setMtu("absent", 1400), NotFoundException.class, Errno.ENODEV);
        refused(() -> ops.setUp("absent", true), NotFoundException.class, Errno.ENODEV);
    }

    @Test
    void renameKeepsTheIndex() {
        Link v0 = ops.createVeth("pdnv0", "pdnv1", null);
        ops.rename("pdnv0", "vmi0");
        assertThat(ops.link("vmi0").index()).isEqualTo(v0.index());
        assertThat(ops.findLink("pdnv0")).isEmpty();
        refused(() -> ops.rename("vmi0", "pdnv1"), AlreadyExistsException.class, Errno.EEXIST);
        refused(() -> ops.rename("absent", "vmi9"), NotFoundException.class, Errno.ENODEV);
        ops.setUp("vmi0", true);
        ops.rename("vmi0", "vmi9"); // kernels since 6.x rename links that are up
        assertThat(ops.link("vmi9").up()).isTrue();
    }

    @Test
    void onlyBridgesTakePortsAndDeletingABridgeReleasesThem() {
        Link br = ops.createBridge("pdnbr0");
        ops.createVeth("pdnv0", "pdnv1", null);
        ops.setMaster("pdnv0", "pdnbr0");
        assertThat(ops.link("pdnv0").masterIndex()).isEqualTo(br.index());
        ops.setLearning("pdnv0", false);
        ops.setLearning("pdnv0", true);

        refused(() -> ops.setMaster("pdnv1", "pdnv0"), InvalidRequestException.class, Errno.EOPNOTSUPP);
        refused(() -> ops.setLearning("pdnv1", false), InvalidRequestException.class, Errno.EOPNOTSUPP);
        refused(() -> ops.setMaster("pdnv1", "absent"), NotFoundException.class, Errno.ENODEV);

        ops.setMaster("pdnv0", null);
        assertThat(ops.link("pdnv0").hasMaster()).isFalse();
        ops.setMaster("pdnv0", "pdnbr0");
        ops.deleteLink("pdnbr0");
        assertThat(ops.link("pdnv0").hasMaster()).isFalse();
    }

    @Test
    void addressesOfBothFamilies() {
        ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE);
        ops.addAddress("pdnbr0", net("169.254.75.1/32"), Scope.LINK);
        ops.addAddress("pdnbr0", net("fd00:99::5/64"), Scope.UNIVERSE);
        assertThat(assigned("pdnbr0")).containsExactly("10.99.0.5/24", "169.254.75.1/32", "fd00:99::5/64");
        assertThat(ops.addresses("pdnbr0")).filteredOn(a -> a.address().toString().startsWith("169.254"))
                .singleElement().extracting(Address::scope).isEqualTo(Scope.LINK);

        refused(() -> ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE), AlreadyExistsException.class, Errno.EEXIST);
        refused(() -> ops.deleteAddress("pdnbr0", net("10.99.0.6/24")), NotFoundException.class, Errno.EADDRNOTAVAIL);
        refused(() -> ops.addAddress("absent", net("10.99.0.7/24"), Scope.UNIVERSE), NotFoundException.class, Errno.ENODEV);

        ops.deleteAddress("pdnbr0", net("10.99.0.5/24"));
        ops.deleteAddress("pdnbr0", net("fd00:99::5/64"));
        assertThat(assigned("pdnbr0")).containsExactly("169.254.75.1/32");
    }

    @Test
    void aLinkAsReadBeforeIsTheLinkOfItsIndex() {
        Link br = ops.createBridge("pdnbr0");
        Link v = ops.createVeth("pdnv0", "pdnv1", null);
        ops.createVeth("pdnv2", "pdnv3", null);
        ops.addAddress("pdnv0", net("10.99.0.5/24"), Scope.UNIVERSE);
        ops.addAddress("pdnv0", net("fd00:99::5/64"), Scope.UNIVERSE);
        ops.rename("pdnv0", "pdnv9");
        assertThat(ops.addressesOf(v)).isEqualTo(ops.addresses("pdnv9"));
        ops.deleteAddress(v, net("10.99.0.5/24"));
        assertThat(assigned("pdnv9")).containsExactly("fd00:99::5/64");
        refused(() -> ops.deleteAddress(v, net("10.99.0.5/24")), NotFoundException.class, Errno.EADDRNOTAVAIL);

        ops.plug("pdnv9", br, 1400);
        assertThat(ops.link("pdnv9")).satisfies(l -> {
            assertThat(l.masterIndex()).isEqualTo(br.index());
            assertThat(l.mtu()).isEqualTo(1400);
            assertThat(l.up()).isTrue();
        });

        ops.deleteLink("pdnv9");
        assertThat(ops.addressesOf(v)).isEmpty();
        refused(() -> ops.deleteAddress(v, net("fd00:99::5/64")), NotFoundException.class, Errno.ENODEV);
        ops.deleteLink("pdnbr0");
        assertThatThrownBy(() -> ops.plug("pdnv2", br, 0))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThat(ops.link("pdnv2").hasMaster()).isFalse();
    }

    @Test
    void routesOfBothFamiliesInOneAnswer() {
        Link br = ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE);
        ops.addAddress("pdnbr0", net("fd00:99::5/64"), Scope.UNIVERSE);
        ops.addRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.1"), br.index()));
        ops.addRoute(Route.via(net("::/0"), IpLiteral.parse("fd00:99::1"), br.index()));
        ops.addRoute(Route.via(net("10.96.0.0/16"), IpLiteral.parse("10.99.0.1"), br.index()).withTable(100));

        List<Route> both = new java.util.ArrayList<>(ops.routes(Family.V4, Route.MAIN_TABLE));
        both.addAll(ops.routes(Family.V6, Route.MAIN_TABLE));
        assertThat(ops.routes(Route.MAIN_TABLE)).isEqualTo(both)
                .extracting(r -> r.destination().toString()).contains("0.0.0.0/0", "::/0");
        assertThat(ops.routes(100)).isEqualTo(ops.routes(Family.V4, 100)).hasSize(1);
    }

    @Test
    void ipv4PrefixRoutesFollowTheLinkState() {
        Link br = ops.createBridge("pdnbr0");
        ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE);
        assertThat(routeDestinations(Family.V4, Route.MAIN_TABLE)).isEmpty();
        ops.setUp("pdnbr0", true);
        assertThat(ops.routes(Family.V4, Route.MAIN_TABLE)).singleElement().satisfies(r -> {
            assertThat(r.destination()).isEqualTo(net("10.99.0.0/24"));
            assertThat(r.linkIndex()).isEqualTo(br.index());
            assertThat(r.scope()).isEqualTo(Scope.LINK);
            assertThat(r.protocol()).isEqualTo(Route.PROTO_KERNEL);
            assertThat(r.source()).isEqualTo(IpLiteral.parse("10.99.0.5"));
        });
    }

    @Test
    void routesViaGatewaysOnLinkAndInOtherTables() {
        Link br = ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE);
        ops.addRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.1"), br.index()));
        ops.addRoute(Route.onLink(net("10.98.0.0/16"), br.index()).withMetric(50));
        ops.addRoute(Route.via(net("10.97.0.0/16"), IpLiteral.parse("10.200.0.1"), br.index()).withOnLinkGateway());
        ops.addRoute(Route.via(net("10.96.0.0/16"), IpLiteral.parse("10.99.0.1"), br.index()).withTable(100));
        assertThat(routeDestinations(Family.V4, Route.MAIN_TABLE))
                .containsExactly("0.0.0.0/0", "10.97.0.0/16", "10.98.0.0/16", "10.99.0.0/24");
        assertThat(routeDestinations(Family.V4, 100)).containsExactly("10.96.0.0/16");
        Route dflt = ops.routes(Family.V4, Route.MAIN_TABLE).stream().filter(r -> r.destination().prefixLength() == 0)
                .findFirst().orElseThrow();
        assertThat(dflt.gateway()).isEqualTo(IpLiteral.parse("10.99.0.1"));
        assertThat(dflt.linkIndex()).isEqualTo(br.index());
        assertThat(ops.routes(Family.V4, Route.MAIN_TABLE)).filteredOn(r -> r.destination().equals(net("10.98.0.0/16")))
                .singleElement().satisfies(r -> {
                    assertThat(r.metric()).isEqualTo(50);
                    assertThat(r.scope()).isEqualTo(Scope.LINK);
                });
        assertThat(ops.routes(Family.V4, Route.MAIN_TABLE)).filteredOn(r -> r.destination().equals(net("10.97.0.0/16")))
                .singleElement().extracting(Route::onLink).isEqualTo(true);

        refused(() -> ops.addRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.1"), br.index())),
                AlreadyExistsException.class, Errno.EEXIST);
        assertThatThrownBy(() -> ops.addRoute(Route.via(net("10.95.0.0/16"), IpLiteral.parse("10.201.0.1"), br.index())))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENETUNREACH));
        refused(() -> ops.deleteRoute(Route.onLink(net("10.94.0.0/16"), br.index())), NotFoundException.class, Errno.ESRCH);

        ops.replaceRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.254"), br.index()));
        assertThat(ops.routes(Family.V4, Route.MAIN_TABLE)).filteredOn(r -> r.destination().prefixLength() == 0)
                .singleElement().extracting(Route::gateway).isEqualTo(IpLiteral.parse("10.99.0.254"));
        ops.deleteRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.254"), br.index()));
        assertThat(routeDestinations(Family.V4, Route.MAIN_TABLE)).doesNotContain("0.0.0.0/0");
    }

    @Test
    void ipv6Routes() {
        Link br = ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", net("fd00:99::5/64"), Scope.UNIVERSE);
        ops.addRoute(Route.via(net("::/0"), IpLiteral.parse("fd00:99::1"), br.index()));
        assertThat(ops.routes(Family.V6, Route.MAIN_TABLE)).filteredOn(r -> r.destination().prefixLength() == 0)
                .singleElement().satisfies(r -> {
                    assertThat(r.gateway()).isEqualTo(IpLiteral.parse("fd00:99::1"));
                    assertThat(r.metric()).isEqualTo(1024);
                });
        assertThat(routeDestinations(Family.V6, Route.MAIN_TABLE)).contains("fd00:99::/64", "::/0");
    }

    @Test
    void takingALinkDownDropsItsRoutesAndIpv6AddressesButKeepsIpv4() {
        Link br = ops.createBridge("pdnbr0");
        ops.setUp("pdnbr0", true);
        ops.addAddress("pdnbr0", net("10.99.0.5/24"), Scope.UNIVERSE);
        ops.addAddress("pdnbr0", net("fd00:99::5/64"), Scope.UNIVERSE);
        ops.addRoute(Route.via(net("0.0.0.0/0"), IpLiteral.parse("10.99.0.1"), br.index()));
        ops.setUp("pdnbr0", false);
        assertThat(routeDestinations(Family.V4, Route.MAIN_TABLE)).isEmpty();
        assertThat(assigned("pdnbr0")).containsExactly("10.99.0.5/24");
        assertThatThrownBy(() -> ops.addRoute(Route.onLink(net("10.98.0.0/16"), br.index())))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENETDOWN));
    }

    @Test
    void perNamespaceSysctls() {
        ops.createBridge("pdnbr0");
        assertThat(ops.sysctl("net.ipv4.ip_forward")).isEqualTo("0");
        ops.setSysctl("net.ipv4.ip_forward", "1");
        assertThat(ops.sysctl("net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(peer.sysctl("net.ipv4.ip_forward")).isEqualTo("0"); // the other namespace is untouched
        assertThat(ops.sysctl("net.core.somaxconn")).isEqualTo("4096"); // read whole, not its first character
        ops.setSysctl("net/ipv4/conf/pdnbr0/forwarding", "1");
        assertThat(ops.sysctl("net.ipv4.conf.pdnbr0.forwarding")).isEqualTo("1");
        assertThatThrownBy(() -> ops.sysctl("net.ipv4.no_such_knob")).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThatThrownBy(() -> ops.sysctl("kernel.hostname")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ops.setSysctl("net/../kernel/hostname", "x")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aMissingNamespaceIsATypedError() {
        assertThatThrownBy(() -> open(Path.of("/run/netns/pdnt-absent"))).isInstanceOfSatisfying(NetnsException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
