package dev.podnic.binding.testing;

import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.Dns;
import dev.podnic.cni.result.IpConfig;
import dev.podnic.cni.result.ResultInterface;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import dev.podnic.netlink.fake.FakeKernel;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's CNI setup in memory, behaving as the real plugin chain and runtime do where podnic
 * relies on it: the address is allocated (IPAM) before the interface exists, the result is cached
 * only once ADD completed, an ADD that meets leftovers of an interrupted one fails after cleaning up
 * (the runtime's DEL), DEL frees the address also when the pod's namespace is gone. Two shapes: the
 * bridge plugin (on-link /24) and ptp (a routed /24: the subnet via the gateway).
 */
public final class FakeAttacher implements Attacher {
    public enum Shape { BRIDGE, PTP }

    private final FakeKernel kernel;
    private final Path podNetns;
    private final Path nodeNetns;
    private final Shape shape;
    private final String network;
    private final Map<String, InetAddress> ipam = new LinkedHashMap<>();
    private final Map<String, CniResult> cache = new HashMap<>();
    private final Map<String, RuntimeException> failures = new HashMap<>();
    private final Map<String, RuntimeException> detachFailures = new HashMap<>();
    private Runnable midAdd = () -> { };
    private int hostVeths;

    public FakeAttacher(FakeKernel kernel, Path podNetns, Path nodeNetns, Shape shape, String network) {
        this.kernel = kernel;
        this.podNetns = podNetns;
        this.nodeNetns = nodeNetns;
        this.shape = shape;
        this.network = network;
    }

    /** The next ADD of {@code vmiInterface} fails with {@code e} (as a plugin's error would) until cleared. */
    public void failOn(String vmiInterface, RuntimeException e) {
        failures.put(vmiInterface, e);
    }

    /** Every DEL of {@code vmiInterface} fails with {@code e} (the node daemon is away, say) until cleared. */
    public void failDetachOf(String vmiInterface, RuntimeException e) {
        detachFailures.put(vmiInterface, e);
    }

    public void clearFailures() {
        failures.clear();
        detachFailures.clear();
    }

    /** Runs between allocating the address and creating the interface (to crash there). */
    public void midAdd(Runnable r) {
        this.midAdd = r;
    }

    /** Every allocated address by "containerId/ifName", as host-local's store would list them. */
    public synchronized Map<String, InetAddress> allocations() {
        return Map.copyOf(ipam);
    }

    /** How many times ADD actually ran (not answered from the cache). */
    public int adds;

    @Override
    public synchronized CniResult attach(VmNames vm, String vmiInterface) {
        String key = vm.containerId() + "/" + vmiInterface;
        CniResult cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        RuntimeException failure = failures.get(vmiInterface);
        if (failure != null) {
            throw failure;
        }
        adds++;
        try (NetworkOps pod = kernel.open(podNetns)) {
            if (ipam.containsKey(key) || pod.findLink(vmiInterface).isPresent()) {
                del(key, vmiInterface); // the runtime's DEL after a failed ADD
                throw new CniException(new CniError(CniError.GENERIC, "container veth name provided (" + vmiInterface
                        + ") already exists", ""), "plugin bridge failed (ADD): " + vmiInterface + " already exists", null);
            }
            InetAddress ip = IpLiteral.parse("10.250.9." + (2 + firstFree()));
            ipam.put(key, ip);
            midAdd.run();
            InetAddress gw = IpLiteral.parse("10.250.9.1");
            String hostVeth = "fakeveth" + hostVeths++;
            pod.createVeth(vmiInterface, hostVeth, nodeNetns);
            pod.setMtu(vmiInterface, 1450);
            pod.addAddress(vmiInterface, new IpNet(ip, 24), Scope.UNIVERSE);
            pod.setUp(vmiInterface, true);
            int index = pod.link(vmiInterface).index();
            if (shape == Shape.PTP) {
                IpNet subnet = IpNet.parse("10.250.9.0/24");
                pod.routes(dev.podnic.netlink.Family.V4, Route.MAIN_TABLE).stream()
                        .filter(r -> r.linkIndex() == index && r.destination().equals(subnet)).forEach(pod::deleteRoute);
                pod.addRoute(Route.onLink(IpNet.parse("10.250.9.1/32"), index));
                pod.addRoute(Route.via(subnet, gw, index));
            }
            List<ResultInterface> interfaces = shape == Shape.PTP
                    ? List.of(ResultInterface.of(hostVeth, "0a:00:00:00:00:01", null),
                    ResultInterface.of(vmiInterface, "0a:00:00:00:00:02", podNetns.toString()))
                    : List.of(ResultInterface.of("cni0", "0a:00:00:00:00:00", null),
                    ResultInterface.of(hostVeth, "0a:00:00:00:00:01", null),
                    ResultInterface.of(vmiInterface, "0a:00:00:00:00:02", podNetns.toString()));
            CniResult result = new CniResult(SpecVersion.V1_0_0, interfaces,
                    List.of(new IpConfig(interfaces.size() - 1, new IpNet(ip, 24), gw)),
                    List.of(dev.podnic.cni.result.Route.of(IpNet.parse("0.0.0.0/0"), null)), Dns.EMPTY);
            cache.put(key, result);
            return result;
        }
    }

    private int firstFree() {
        int i = 0;
        while (ipam.containsValue(IpLiteral.parse("10.250.9." + (2 + i)))) {
            i++;
        }
        return i;
    }

    @Override
    public synchronized void check(VmNames vm, String vmiInterface) {
        if (!cache.containsKey(vm.containerId() + "/" + vmiInterface)) {
            throw new CniException(CniError.GENERIC, vmiInterface + " is not attached in network " + network);
        }
    }

    @Override
    public synchronized void detach(VmNames vm, String vmiInterface) {
        RuntimeException failure = detachFailures.get(vmiInterface);
        if (failure != null) {
            throw failure;
        }
        del(vm.containerId() + "/" + vmiInterface, vmiInterface);
    }

    private void del(String key, String vmiInterface) {
        cache.remove(key);
        ipam.remove(key);
        try (NetworkOps pod = kernel.open(podNetns)) {
            pod.findLink(vmiInterface).ifPresent(l -> pod.deleteLink(l.name()));
        } catch (RuntimeException podGone) {
            // DEL after the pod's namespace is gone still frees the address
        }
    }

    @Override
    public String network() {
        return network;
    }

    @Override
    public Optional<String> containerId(VmNames vm) {
        return Optional.of(vm.containerId());
    }
}
