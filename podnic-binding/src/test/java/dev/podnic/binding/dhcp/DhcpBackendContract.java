package dev.podnic.binding.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmNames;
import dev.podnic.binding.plan.PlanFixtures;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.binding.testing.Contract;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from a DHCP backend, asserted the same way against the in-memory fake
 * and the real ones (dnsmasq and libvirt networks in a pod namespace): so the fake the lifecycle
 * tests use cannot drift from them.
 */
public abstract class DhcpBackendContract extends Contract<DhcpBackendContract.Subject> {
    protected static final VmNames VM = VmNames.of(PlanFixtures.VMI);

    /**
     * What the contract runs against.
     *
     * @param backend the backend under test, serving {@link #VM}'s vNICs in {@code pod}
     * @param serving whether a server of the backend serves a bridge, found the test's own way (as ps or virsh would)
     */
    public record Subject(DhcpBackend backend, NetworkOps pod, Predicate<String> serving) {
    }


    private DhcpBackend backend() {
        return s().backend();
    }

    private NetworkOps pod() {
        return s().pod();
    }

    private boolean serving(String bridge) {
        return s().serving().test(bridge);
    }

    protected VNicPlan plan(int index) throws Exception {
        return Planner.plan(PlanFixtures.VMI, PlanFixtures.VMI.nics().get(index),
                PlanFixtures.bridgeResult("10.250.13." + (7 + index) + "/24", "10.250.13.1"), PlanFixtures.FACTS);
    }

    /** What the engine does before start when the backend does not make the bridge. */
    protected void bridgeFor(VNicPlan p) {
        if (!backend().createsBridge()) {
            pod().createBridge(p.bridge());
            pod().setUp(p.bridge(), true);
            pod().addAddress(p.bridge(), p.bridgeAddress(), Scope.LINK);
        }
    }

    @Test
    void startServesTheBridgeAndStopEndsIt() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer server = backend().start(p);
        assertThat(server.backend()).isEqualTo(backend().name());
        assertThat(server.bridge()).isEqualTo(p.bridge());
        assertThat(serving(p.bridge())).isTrue();
        assertThat(backend().serves(server)).as("the backend sees it too").isTrue();
        assertThat(pod().findLink(p.bridge())).isPresent();

        backend().stop(server);
        assertThat(serving(p.bridge())).isFalse();
        assertThat(backend().serves(server)).isFalse();
        backend().stop(server); // again: nothing to do
        assertThat(serving(p.bridge())).isFalse();
    }

    @Test
    void stopStrayEndsAServerNoRecordNames() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer unrecorded = backend().start(p); // podnic "died" before recording it
        backend().stopStray(p.bridge());
        assertThat(serving(p.bridge())).isFalse();
        assertThat(backend().serves(unrecorded)).isFalse();
        backend().stopStray(p.bridge());
        backend().start(p);
        assertThat(serving(p.bridge())).as("the bridge can be served again").isTrue();
        backend().stopStray(p.bridge());
    }

    @Test
    void eachVNicHasItsOwnServer() throws Exception {
        VNicPlan a = plan(0);
        VNicPlan b = plan(1);
        bridgeFor(a);
        bridgeFor(b);
        DhcpServer sa = backend().start(a);
        DhcpServer sb = backend().start(b);
        backend().stop(sa);
        assertThat(serving(a.bridge())).isFalse();
        assertThat(serving(b.bridge())).isTrue();
        backend().stop(sb);
    }

    @Test
    void discoverFindsTheVmsServersWithoutARecord() throws Exception {
        VNicPlan a = plan(0);
        bridgeFor(a);
        DhcpServer started = backend().start(a);
        assertThat(backend().discover(VM)).extracting(DhcpServer::bridge).containsExactly(a.bridge());
        assertThat(backend().discover(VM)).first().satisfies(found -> {
            backend().stop(found);
            assertThat(serving(a.bridge())).isFalse();
        });
        backend().stop(started);
        assertThat(backend().discover(VM)).isEmpty();
    }

    @Test
    void withoutItsBridgeADnsmasqServerFailsClearlyAndALibvirtNetworkMakesIt() throws Exception {
        VNicPlan p = plan(0);
        if (backend().createsBridge()) {
            DhcpServer s = backend().start(p);
            assertThat(pod().findLink(p.bridge())).isPresent();
            assertThat(pod().addresses(p.bridge())).anyMatch(a -> a.address().equals(p.bridgeAddress()));
            backend().stop(s);
            assertThat(pod().findLink(p.bridge())).as("the network takes its bridge along").isEmpty();
        } else {
            assertThatThrownBy(() -> backend().start(p)).isInstanceOf(DhcpException.class).hasMessageContaining(p.bridge());
            assertThat(serving(p.bridge())).isFalse();
        }
    }

    @Test
    void theDomainInterfacePlugsTheNicIntoWhatIsServed() throws Exception {
        VNicPlan p = plan(0);
        bridgeFor(p);
        DhcpServer s = backend().start(p);
        String xml = backend().domainInterface(p.vnic(), s);
        assertThat(xml).contains("<mac address='00:11:22:33:44:55'/>")
                .contains(backend().createsBridge() ? "<source network='" + VM.libvirtNetwork("vmi0") + "'/>"
                        : "<source bridge='" + p.bridge() + "'/>");
        backend().stop(s);
    }
}
