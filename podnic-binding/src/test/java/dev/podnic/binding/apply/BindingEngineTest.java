package dev.podnic.binding.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.binding.testing.FakeDhcpBackend;
import dev.podnic.binding.testing.SavesWatched;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetlinkException;
import dev.podnic.netlink.NetworkOps;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole lifecycle of a VM's network without root or a kernel: the engine against the in-memory
 * kernel, CNI setup, DHCP servers and domains, with durable records in a temporary directory. A
 * "crash" is an Error thrown after a record write or a change to the pod — no catch or finally of
 * the engine undoes anything — and the "rerun" is a new engine on what the crash left.
 */
class BindingEngineTest extends BindingEngineFixture {
    @Test
    void upWiresEveryVNicAndDownLeavesNothing() {
        List<BoundVNic> bound = engine().up(VMI);

        assertThat(bound).hasSize(2);
        BoundVNic first = bound.get(0);
        assertThat(first.plan().guest().address()).isEqualTo(IpNet.parse("10.250.9.2/24"));
        assertThat(first.plan().guest().gateway()).isEqualTo(IpLiteral.parse("10.250.9.1"));
        assertThat(first.plan().guest().mtu()).isEqualTo(1450);
        assertThat(first.plan().guest().dnsServers()).containsExactly(IpLiteral.parse("192.0.2.53"));
        assertThat(first.plan().guest().searchDomains()).containsExactly("example.test");
        assertThat(first.domainInterface()).contains("<source bridge='pdnbr-vmi0'/>").contains("00:11:22:33:44:55");
        assertThat(bound.get(1).plan().guest().address()).isEqualTo(IpNet.parse("10.250.9.3/24"));

        State up = state();
        assertThat(up.links()).containsEntry("vmi0", "veth mtu 1450 up master pdnbr-vmi0")
                .containsEntry("pdnbr-vmi0", "bridge mtu 1450 up").containsEntry("pdnbr-vmi1", "bridge mtu 1450 up");
        assertThat(up.addresses()).containsExactlyInAnyOrder("pdnbr-vmi0 169.254.75.1/32", "pdnbr-vmi1 169.254.75.2/32");
        assertThat(up.dhcp()).containsOnlyKeys("pdnbr-vmi0", "pdnbr-vmi1");
        assertThat(up.allocations()).hasSize(2);
        VmiRecord rec = store.load("default", "testvm").orElseThrow();
        assertThat(rec.nics()).extracting(VNicRecord::step).containsExactly(Step.SERVING, Step.SERVING);
        assertThat(rec.containerId()).isEqualTo(VmNames.of(VMI).containerId());
        assertThat(rec.nics().get(0).facts().mtu()).isEqualTo(1450);

        Released released = engine().down("default", "testvm", Optional.empty());
        assertThat(released).isEqualTo(new Released.Recorded(2, null));
        assertThat(state()).isEqualTo(nothing());
        assertThat(engine().down("default", "testvm", Optional.empty())).isEqualTo(new Released.Nothing());
    }

    @Test
    void aSecondUpChangesNothing() {
        engine().up(VMI);
        State once = state();
        int adds = cni.adds;
        engine().up(VMI);
        assertThat(state()).isEqualTo(once);
        assertThat(cni.adds).as("no second CNI ADD").isEqualTo(adds);
    }

    /** {@code ops} with {@code before} run ahead of each call of {@code method} (and {@code after} behind it). */
    private static NetworkOps around(NetworkOps ops, String method, Consumer<Object[]> before,
                                     Consumer<Object[]> after) {
        return (NetworkOps) Proxy.newProxyInstance(NetworkOps.class.getClassLoader(), new Class<?>[] {NetworkOps.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(method)) {
                        before.accept(args);
                    }
                    try {
                        Object r = m.invoke(ops, args);
                        if (m.getName().equals(method)) {
                            after.accept(args);
                        }
                        return r;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("never happened: " + what);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A thread of the daemon's kind, preparing while CNI ADD runs. */
    private final ExecutorService preparing = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopPreparing() {
        preparing.shutdownNow();
    }

    private BindingEngine preparingOnAnotherThread(NetworkOps ops) {
        return new BindingEngine(cni, ops, dhcp, domains, store, resolv, POD, GuestPort.LIBVIRT, preparing);
    }

    @Test
    void theBridgeIsMadeWhileCniAddRuns() {
        // The first bridge can only be made once CNI ADD has begun, and CNI ADD goes on only once the bridge has its
        // address: made one after the other (either way round), they wait for each other until the test fails.
        CountDownLatch adding = new CountDownLatch(1);
        CountDownLatch bridged = new CountDownLatch(1);
        NetworkOps ops = around(around(pod, "createBridge", args -> await(adding, "CNI ADD begun"), args -> { }),
                "addAddress", args -> { }, args -> bridged.countDown());
        cni.midAdd(() -> {
            adding.countDown();
            await(bridged, "the bridge made, with its address");
        });
        preparingOnAnotherThread(ops).up(VMI);
        cni.midAdd(() -> { });
        assertThat(store.load("default", "testvm").orElseThrow().nics()).extracting(VNicRecord::step)
                .containsExactly(Step.SERVING, Step.SERVING);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void theDhcpServerStartsWhileTheVmiInterfaceIsStrippedAndPlugged() {
        // vmi0's server can only finish starting once vmi0 is a port of its bridge, and vmi0 is plugged only once its
        // server began to start: one after the other (either way round), they wait for each other until the test fails.
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch plugged = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        dhcp.afterStart(() -> {
            if (first.getAndSet(false)) {
                starting.countDown();
                await(plugged, "vmi0 plugged into its bridge");
            }
        });
        NetworkOps ops = around(pod, "plug", args -> {
            if (args[0].equals("vmi0")) {
                await(starting, "vmi0's DHCP server starting");
            }
        }, args -> {
            if (args[0].equals("vmi0")) {
                plugged.countDown();
            }
        });
        preparingOnAnotherThread(ops).up(VMI);
        assertThat(dhcp.running()).containsOnlyKeys("pdnbr-vmi0", "pdnbr-vmi1");
        assertThat(store.load("default", "testvm").orElseThrow().nics()).extracting(VNicRecord::step)
                .containsExactly(Step.SERVING, Step.SERVING);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    /**
     * Holds the DHCP server's start until {@code step} fails beside it: what that step calls first as it fails (it
     * waits for the start to have begun, then lets the start end after the caller has failed).
     */
    private Runnable dhcpStartingWhile(String step) {
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch failing = new CountDownLatch(1);
        dhcp.afterStart(() -> {
            starting.countDown();
            await(failing, step + " failing"); // (still starting as the caller fails)
        });
        return () -> {
            await(starting, "vmi0's DHCP server starting");
            failing.countDown();
        };
    }

    /** A failed up whose DHCP server started beside the failing step: its start ended before up did; down undoes both. */
    private void theServerStartedAndDownUndoesBoth() {
        assertThat(dhcp.running()).as("the server's start ended before up answered").containsOnlyKeys("pdnbr-vmi0");
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void aStripThatFailsAwaitsTheDhcpServerStartingBesideItAndDownUndoesBoth() {
        Runnable failing = dhcpStartingWhile("the strip");
        NetworkOps ops = around(pod, "deleteAddress", args -> {
            failing.run();
            throw new NetlinkException("delete address from " + args[0], 1, "Operation not permitted", null);
        }, args -> { });
        assertThatThrownBy(() -> preparingOnAnotherThread(ops).up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageStartingWith("default/testvm vNIC nic0 (vmi0): stripping and bridging failed")
                .hasMessageContaining("Operation not permitted");
        theServerStartedAndDownUndoesBoth();
    }

    @Test
    void aFactsRecordThatFailsAwaitsTheDhcpServerStartingBesideItAndDownUndoesBoth() {
        Runnable failing = dhcpStartingWhile("the facts' record");
        dev.podnic.binding.record.Records full = SavesWatched.around(store, r -> {
            if (r.nics().stream().anyMatch(n -> n.step() == Step.CNI_ADDED)) {
                failing.run();
                throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
            }
        }, r -> { });
        assertThatThrownBy(() -> new BindingEngine(cni, pod, dhcp, domains, full, resolv, POD, GuestPort.LIBVIRT, preparing).up(VMI))
                .isInstanceOf(BindingException.class)
                .hasMessageStartingWith("default/testvm vNIC nic0 (vmi0): recording the VMI interface's facts failed")
                .hasMessageContaining("No space left on device");
        theServerStartedAndDownUndoesBoth();
    }

    @Test
    void aFailedPreparationNamesTheStepAndDownUndoesItWithTheCniAdd() {
        NetworkOps ops = around(pod, "createBridge", args -> {
            throw new NetlinkException("create bridge " + args[0], 105, "No buffer space available", null);
        }, args -> { });
        assertThatThrownBy(() -> preparingOnAnotherThread(ops).up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageStartingWith("default/testvm vNIC nic0 (vmi0): preparing the bridge, its DHCP isolation and the VM's "
                        + "port failed").hasMessageContaining("No buffer space available");
        assertThat(cni.allocations()).as("CNI ADD ran meanwhile").hasSize(1);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void withoutAThreadToPrepareOnAFailedCniAddMakesNothingInThePod() {
        cni.failOn("vmi0", new CniException(CniError.GENERIC, "no IP addresses available in range set"));
        assertThatThrownBy(() -> engine().up(VMI)).isInstanceOf(BindingException.class).hasMessageContaining("CNI ADD failed");
        assertThat(pod.links()).extracting(Link::name).containsExactly("lo");
    }

    @Test
    void aFailedCniAddAwaitsThePreparationAndDownUndoesWhatItMade() {
        // CNI ADD fails once the preparation has begun (its bridge is there): up answers only once the preparation ended.
        CountDownLatch bridgeMade = new CountDownLatch(1);
        NetworkOps ops = around(pod, "createBridge", args -> { }, args -> bridgeMade.countDown());
        cni.midAdd(() -> {
            await(bridgeMade, "the bridge made");
            throw new CniException(CniError.GENERIC, "no IP addresses available in range set");
        });
        assertThatThrownBy(() -> preparingOnAnotherThread(ops).up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageContaining("CNI ADD failed");
        cni.midAdd(() -> { });
        assertThat(pod.addresses("pdnbr-vmi0")).as("the preparation ended before up answered").hasSize(1);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void aDhcpFailureNamesTheVNicAndTheStepAndDownUndoesIt() {
        dhcp.failWith(new DhcpException("dnsmasq for pdnbr-vmi0 failed (status 2): address in use"));
        assertThatThrownBy(() -> engine().up(VMI)).isInstanceOf(BindingException.class)
                .hasMessage("default/testvm vNIC nic0 (vmi0): starting DHCP failed: dnsmasq for pdnbr-vmi0 failed (status 2): "
                        + "address in use");
        assertThat(store.load("default", "testvm").orElseThrow().nics()).extracting(VNicRecord::step)
                .containsExactly(Step.CNI_ADDED, Step.PENDING);
        engine().down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void aReleaseThatFailsKeepsTheRecordAndTheNextDownFinishes() {
        engine().up(VMI);
        cni.failDetachOf("vmi1", new CniException(CniError.TRY_AGAIN_LATER, "node daemon unavailable for DEL of vmi1"));
        BindingEngine failingDel = engine();
        assertThatThrownBy(() -> failingDel.down("default", "testvm", Optional.empty())).isInstanceOf(BindingException.class)
                .hasMessageContaining("vmi1: node daemon unavailable").hasMessageContaining("run down again");
        assertThat(store.load("default", "testvm")).isPresent();
        assertThat(cni.allocations()).hasSize(1);

        cni.clearFailures();
        assertThat(engine().down("default", "testvm", Optional.empty())).isEqualTo(new Released.Recorded(2, null));
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void aRecordedDomainIsDestroyedByDown() {
        BindingEngine e = engine();
        e.up(VMI);
        String domain = VmNames.of(VMI).domain();
        e.recordDomain("default", "testvm", domain);
        domains.running.add(domain);
        assertThat(e.down("default", "testvm", Optional.empty())).isEqualTo(new Released.Recorded(2, domain));
        assertThat(domains.running).isEmpty();
    }

    @Test
    void withoutARecordTheVmsVNicsAreFoundThroughItsLibvirtNetworks() {
        dhcp = FakeDhcpBackend.libvirt(pod, VmNames.of(VMI));
        engine().up(VMI);
        assertThat(state().links()).containsKeys("pdnbr-vmi0", "pdnbr-vmi1");
        store.delete("default", "testvm"); // the state directory is lost

        assertThat(engine().down("default", "testvm", Optional.empty())).isEqualTo(new Released.Nothing());
        assertThat(engine().down("default", "testvm", Optional.of(VmNames.of("default/othervm"))))
                .as("another VM's networks are not this VM's").isEqualTo(new Released.Nothing());
        assertThat(engine().down("default", "testvm", Optional.of(VmNames.of(VMI)))).isEqualTo(new Released.Discovered(2));
        assertThat(state()).isEqualTo(nothing());
    }

    @Test
    void upInAnotherPodNetworkOrBackendIsRefusedAndChangesNothing() {
        engine().up(VMI);
        State before = state();
        BindingEngine otherPod = new BindingEngine(cni, pod, dhcp, domains, store, resolv, Path.of("/run/netns/elsewhere"));
        assertThatThrownBy(() -> otherPod.up(VMI)).isInstanceOf(BindingException.class)
                .hasMessageContaining("is already up in /run/netns/pdnt-pod").hasMessageContaining("run down first");
        BindingEngine libvirt = new BindingEngine(cni, pod, FakeDhcpBackend.libvirt(pod, VmNames.of(VMI)), domains, store,
                resolv, POD);
        assertThatThrownBy(() -> libvirt.up(VMI)).isInstanceOf(BindingException.class).hasMessageContaining("served by dnsmasq");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aVmThatIsUpIsHealthyAndEveryBreakageIsNamed() {
        assertThat(engine().health("default", "testvm")).as("nothing recorded").isEmpty();
        engine().up(VMI);
        assertThat(engine().health("default", "testvm")).get().satisfies(h -> assertThat(h.healthy()).as(h.toString()).isTrue());

        dhcp.kill("pdnbr-vmi0"); // dnsmasq was killed
        pod.addAddress("vmi1", IpNet.parse("10.250.9.3/24"), dev.podnic.netlink.Scope.UNIVERSE); // someone re-added it
        VmiHealth h = engine().health("default", "testvm").orElseThrow();
        assertThat(h.healthy()).isFalse();
        assertThat(h.problems().get("vmi0")).singleElement().asString().contains("DHCP server pid:").contains("is not serving pdnbr-vmi0");
        assertThat(h.problems().get("vmi1")).containsExactly("vmi1 has 10.250.9.3/24 again (the guest's address; something re-added it)");

        engine().up(VMI); // a rerun repairs both
        assertThat(engine().health("default", "testvm").orElseThrow().healthy()).isTrue();

        pod.deleteLink("pdnbr-vmi1");
        cni.detach(VmNames.of(VMI), "vmi0"); // released behind podnic's back
        h = engine().health("default", "testvm").orElseThrow();
        assertThat(h.problems().get("vmi0")).contains("attachment: vmi0 is not attached in network podnet",
                "vmi0 is gone from the pod");
        assertThat(h.problems().get("vmi1")).contains("bridge pdnbr-vmi1 is gone");
    }

    @Test
    void aVmHalfWayUpIsNotHealthy() {
        upCrashingAt(4); // killed while vmi0 was on its way: vmi1 never started
        VmiHealth h = engine().health("default", "testvm").orElseThrow();
        assertThat(h.healthy()).isFalse();
        assertThat(h.problems().get("vmi1")).contains("not up: it reached PENDING (rerun up, or down)");
    }

    @Test
    void theCniResultsDnsWinsOverThePodsResolvConf() throws Exception {
        Files.writeString(resolv, "nameserver 127.0.0.53\n"); // a loopback resolver is unreachable from the guest
        GuestConfig g = engine().up(VMI).get(0).plan().guest();
        assertThat(g.dnsServers()).isEmpty();
    }
}
