package dev.podnic.binding.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.binding.testing.Crash;
import dev.podnic.binding.testing.CrashAfter;
import dev.podnic.binding.testing.FakeAttacher;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Route;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine crashed at every point of an up — an Error thrown after each record write and each change to the
 * pod, or inside an effect no write marks — and what a rerun and a down make of what it left; and a vNIC that
 * fails while another is wired. No catch or finally of the engine undoes anything a crash leaves.
 */
class BindingEngineCrashTest extends BindingEngineFixture {
    /** A clean up of the two vNICs writes its record 5 times and changes the pod 12 times: 17 crash points. */
    private static final int CRASH_POINTS = 17;

    static IntStream crashPoints() {
        return IntStream.rangeClosed(1, CRASH_POINTS);
    }

    @Test
    void theCrashPointsAreEveryWriteAndEveryChangeOfACleanUp() {
        CrashAfter never = new CrashAfter(0);
        engine(never.records(store), never.pod(pod)).up(VMI);
        assertThat(never.events()).isEqualTo(CRASH_POINTS);
    }

    @ParameterizedTest
    @MethodSource("crashPoints")
    void aRerunAfterACrashAtAnyPointEndsInTheSameStateAsACleanUp(int point) {
        State clean = cleanUpState();
        upCrashingAt(point);
        engine().up(VMI);
        assertThat(state()).isEqualTo(clean);
    }

    @ParameterizedTest
    @MethodSource("crashPoints")
    void downAfterACrashAtAnyPointLeavesNothing(int point) {
        upCrashingAt(point);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    /** Crash points inside an effect, where no record write or pod change marks them. */
    enum InsideAnEffect {
        /** host-local allocated the address, the plugin has not made the interface yet */
        CNI_ADD,
        /** dnsmasq runs, the record does not name it yet */
        DHCP_START
    }

    private void crashInside(InsideAnEffect where, boolean crash) {
        Runnable hook = crash ? () -> {
            throw new Crash("inside " + where);
        } : () -> { };
        if (where == InsideAnEffect.CNI_ADD) {
            cni.midAdd(hook);
        } else {
            dhcp.afterStart(hook);
        }
    }

    @ParameterizedTest
    @EnumSource(InsideAnEffect.class)
    void aCrashInsideAnEffectIsFinishedByARerunAndUndoneByDown(InsideAnEffect where) {
        State clean = cleanUpState();
        crashInside(where, true);
        assertThatThrownBy(() -> engine().up(VMI)).isInstanceOf(Crash.class);
        int leftBehind = where == InsideAnEffect.CNI_ADD ? cni.allocations().size() : dhcp.running().size();
        assertThat(leftBehind).as("left behind by the crash").isEqualTo(1);
        crashInside(where, false);
        engine().up(VMI);
        assertThat(state()).isEqualTo(clean);

        crashInside(where, true);
        engine().down("default", "testvm", Optional.empty());
        assertThatThrownBy(() -> engine().up(VMI)).isInstanceOf(Crash.class);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void aRoutedNetworkKeepsItsPlanWhenUpIsRerunAfterTheInterfaceWasStripped() {
        cni = new FakeAttacher(kernel, POD, NODE, FakeAttacher.Shape.PTP, "ptpnet");
        VmiSpec one = oneNic();
        // the record, (CNI ADD,) the bridge and its address, the facts recorded, then removing ptp's first route
        CrashAfter firstChange = new CrashAfter(5);
        assertThatThrownBy(() -> new BindingEngine(cni, firstChange.pod(pod), dhcp, domains, firstChange.records(store), resolv, POD)
                .up(one)).isInstanceOf(Crash.class);
        assertThat(store.load("default", "onevm").orElseThrow().nics().get(0).facts().routes()).hasSize(2);

        BoundVNic b = engine().up(one).get(0);
        GuestConfig g = b.plan().guest();
        assertThat(g.address()).as("routed: the guest's own address only").isEqualTo(IpNet.parse("10.250.9.2/32"));
        assertThat(g.routes()).contains(new GuestRoute(IpNet.parse("10.250.9.0/24"), IpLiteral.parse("10.250.9.1")));
        assertThat(pod.routes(Family.V4, Route.MAIN_TABLE)).as("ptp's routes are stripped from vmi0")
                .noneMatch(r -> r.linkIndex() == pod.link("vmi0").index());
    }

    private static VmiSpec oneNic() {
        return new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: onevm}\nspec: {domain: {devices: "
                + "{interfaces: [{type: pod-network, mac: {address: '02:00:00:00:07:01'}}]}}}").getBytes(StandardCharsets.UTF_8), "t");
    }

    @Test
    void whenTheSecondVNicFailsTheFirstStaysWiredARerunFinishesAndDownUndoesBoth() {
        cni.failOn("vmi1", new CniException(CniError.GENERIC, "no IP addresses available in range set"));
        assertThatThrownBy(() -> engine().up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageContaining("default/testvm vNIC nic1 (vmi1): CNI ADD failed")
                .hasMessageContaining("no IP addresses available");
        VmiRecord rec = store.load("default", "testvm").orElseThrow();
        assertThat(rec.nics()).extracting(VNicRecord::step).containsExactly(Step.SERVING, Step.PENDING);
        assertThat(dhcp.running()).containsOnlyKeys("pdnbr-vmi0");

        cni.clearFailures();
        engine().up(VMI);
        assertThat(store.load("default", "testvm").orElseThrow().nics()).extracting(VNicRecord::step)
                .containsExactly(Step.SERVING, Step.SERVING);

        cni.failOn("vmi1", new CniException(CniError.GENERIC, "unused"));
        engine().down("default", "testvm", Optional.empty());
        cni.clearFailures();
        assertThat(state()).isEqualTo(nothing());
    }

}
