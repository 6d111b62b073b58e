package dev.podnic.binding.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.api.VmiSpec;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.PlanFixtures;
import dev.podnic.binding.record.RecordStore;
import dev.podnic.binding.record.Records;
import dev.podnic.binding.testing.Crash;
import dev.podnic.binding.testing.CrashAfter;
import dev.podnic.binding.testing.FakeAttacher;
import dev.podnic.binding.testing.FakeDhcpBackend;
import dev.podnic.binding.testing.FakeDomains;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.fake.FakeKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The world {@link BindingEngineTest} and {@link BindingEngineCrashTest} run the engine in: the in-memory
 * kernel with a node and a pod, CNI setup, DHCP servers and domains as fakes, durable records in a temporary
 * directory; and the pod's state as everything podnic's work is visible in.
 */
abstract class BindingEngineFixture {
    static final Path NODE = Path.of("/run/netns/pdnt-node");
    static final Path POD = Path.of("/run/netns/pdnt-pod");
    static final VmiSpec VMI = PlanFixtures.VMI; // two vNICs

    @TempDir
    Path tmp;
    FakeKernel kernel;
    NetworkOps pod;
    FakeAttacher cni;
    FakeDhcpBackend dhcp;
    final FakeDomains domains = new FakeDomains();
    RecordStore store;
    Path resolv;

    @BeforeEach
    void setUp() throws Exception {
        kernel = new FakeKernel();
        kernel.createNamespace(NODE);
        kernel.createNamespace(POD);
        pod = kernel.open(POD);
        cni = new FakeAttacher(kernel, POD, NODE, FakeAttacher.Shape.BRIDGE, "podnet");
        dhcp = FakeDhcpBackend.dnsmasq(pod);
        store = new RecordStore(tmp.resolve("records"));
        resolv = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 192.0.2.53\nsearch example.test\n");
    }

    BindingEngine engine() {
        return engine(store, pod);
    }

    BindingEngine engine(Records records, NetworkOps ops) {
        return new BindingEngine(cni, ops, dhcp, domains, records, resolv, POD);
    }

    /** Everything podnic's work is visible in, by name (indexes change when links are made again). */
    record State(Map<String, String> links, TreeSet<String> addresses, TreeSet<String> routes,
                         Map<String, GuestConfig> dhcp, Map<String, String> allocations, List<String> record) {
    }

    State state() {
        Map<Integer, String> names = pod.links().stream().collect(Collectors.toMap(Link::index, Link::name));
        Map<String, String> links = new TreeMap<>();
        for (Link l : pod.links()) {
            links.put(l.name(), l.kind() + " mtu " + l.mtu() + (l.up() ? " up" : " down")
                    + (l.masterIndex() > 0 ? " master " + names.get(l.masterIndex()) : ""));
        }
        TreeSet<String> addresses = pod.addresses(null).stream().map(a -> names.get(a.linkIndex()) + " " + a.address())
                .collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> routes = pod.routes(Family.V4, Route.MAIN_TABLE).stream()
                .map(r -> r.destination() + " via " + r.gateway() + " dev " + names.get(r.linkIndex()))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, GuestConfig> served = new TreeMap<>();
        dhcp.running().forEach((bridge, plan) -> served.put(bridge, plan.guest()));
        Map<String, String> allocations = new TreeMap<>();
        cni.allocations().forEach((k, v) -> allocations.put(k, v.getHostAddress()));
        List<String> record = store.load("default", "testvm").map(r -> r.nics().stream()
                .map(n -> n.vmiInterface() + " " + n.step() + " " + n.address() + " " + n.gateway() + " " + n.routes() + " "
                        + n.mtu() + " " + n.dns() + " " + (n.dhcp() == null ? null : n.dhcp().bridge()))
                .toList()).orElse(List.of());
        return new State(links, addresses, routes, served, allocations, record);
    }

    State cleanUpState() {
        BindingEngine e = engine();
        e.up(VMI);
        State s = state();
        e.down("default", "testvm", Optional.empty());
        assertThat(state()).isEqualTo(nothing());
        return s;
    }

    /** An up that crashes after its {@code point}th record write or change to the pod (see BindingEngineCrashTest). */
    void upCrashingAt(int point) {
        CrashAfter crash = new CrashAfter(point);
        assertThatThrownBy(() -> engine(crash.records(store), crash.pod(pod)).up(VMI)).isInstanceOf(Crash.class);
    }

    /** The pod as it was before podnic: only its loopback. */
    State nothing() {
        assertThat(pod.links()).extracting(Link::name).contains("lo");
        return new State(Map.of("lo", pod.link("lo").kind() + " mtu " + pod.link("lo").mtu() + " down"), new TreeSet<>(),
                new TreeSet<>(), Map.of(), Map.of(), List.of());
    }

}
