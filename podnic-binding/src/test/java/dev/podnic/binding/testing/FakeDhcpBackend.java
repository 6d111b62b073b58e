package dev.podnic.binding.testing;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DHCP servers in memory, one per bridge, outliving the engine that started them (as dnsmasq and
 * libvirt networks outlive a killed podnic). Like dnsmasq it refuses a bridge that does not exist;
 * in the libvirt shape it makes the bridge itself, as a libvirt network does, and names servers
 * after the VM's networks.
 */
public final class FakeDhcpBackend implements DhcpBackend {
    private final NetworkOps pod;
    private final boolean createsBridge;
    private final VmNames vm;
    private final Map<String, VNicPlan> running = new LinkedHashMap<>();
    private final Map<String, String> refs = new LinkedHashMap<>();
    private int nextPid = 1000;
    private RuntimeException failure;
    private Runnable afterStart = () -> { };

    /** dnsmasq's shape: podnic makes the bridge. */
    public static FakeDhcpBackend dnsmasq(NetworkOps pod) {
        return new FakeDhcpBackend(pod, false, null);
    }

    /** libvirt's shape: the network makes the bridge, named for the VM. */
    public static FakeDhcpBackend libvirt(NetworkOps pod, VmNames vm) {
        return new FakeDhcpBackend(pod, true, vm);
    }

    private FakeDhcpBackend(NetworkOps pod, boolean createsBridge, VmNames vm) {
        this.pod = pod;
        this.createsBridge = createsBridge;
        this.vm = vm;
    }

    public void failWith(RuntimeException e) {
        this.failure = e;
    }

    /** Runs once a server runs, before start returns (to crash there). */
    public void afterStart(Runnable r) {
        this.afterStart = r;
    }

    /** What each running server hands out, by bridge. */
    public synchronized Map<String, VNicPlan> running() {
        return Map.copyOf(running);
    }

    @Override
    public String name() {
        return createsBridge ? "libvirt" : "dnsmasq";
    }

    @Override
    public boolean createsBridge() {
        return createsBridge;
    }

    @Override
    public synchronized DhcpServer start(VNicPlan plan) {
        if (failure != null) {
            throw failure;
        }
        if (running.containsKey(plan.bridge())) {
            throw new DhcpException("a server for " + plan.bridge() + " runs already");
        }
        if (createsBridge) {
            if (pod.findLink(plan.bridge()).isPresent()) {
                throw new DhcpException("libvirt network for " + plan.bridge() + ": bridge exists already");
            }
            pod.createBridge(plan.bridge());
            pod.addAddress(plan.bridge(), plan.bridgeAddress(), Scope.LINK);
            pod.setUp(plan.bridge(), true);
        } else if (pod.findLink(plan.bridge()).isEmpty()) {
            throw new DhcpException("dnsmasq for " + plan.bridge() + " failed: unknown interface " + plan.bridge());
        }
        String ref = createsBridge ? vm.libvirtNetwork(plan.vmiInterface()) : "pid:" + nextPid++;
        running.put(plan.bridge(), plan);
        refs.put(plan.bridge(), ref);
        afterStart.run();
        return new DhcpServer(name(), plan.bridge(), ref);
    }

    @Override
    public synchronized boolean serves(DhcpServer server) {
        return server.ref().equals(refs.get(server.bridge()));
    }

    /** The server "died" (kill -9 of dnsmasq): its record remains, it serves no more. */
    public synchronized void kill(String bridge) {
        running.remove(bridge);
        refs.remove(bridge);
    }

    @Override
    public synchronized void stop(DhcpServer server) {
        if (server.ref().equals(refs.get(server.bridge()))) {
            remove(server.bridge());
        }
    }

    @Override
    public synchronized void stopStray(String bridge) {
        remove(bridge);
    }

    private void remove(String bridge) {
        running.remove(bridge);
        refs.remove(bridge);
        if (createsBridge) {
            pod.findLink(bridge).ifPresent(l -> pod.deleteLink(l.name())); // a destroyed network takes its bridge
        }
    }

    @Override
    public String domainInterface(VNic nic, DhcpServer server) {
        return createsBridge ? DomainInterfaceXml.forNetwork(nic, server.ref()) : DomainInterfaceXml.forBridge(nic, server.bridge());
    }

    @Override
    public synchronized List<DhcpServer> discover(VmNames someVm) {
        List<DhcpServer> out = new ArrayList<>();
        refs.forEach((bridge, ref) -> {
            Optional<String> ofVm = createsBridge ? someVm.vmiInterfaceOfNetwork(ref) : Optional.of(bridge);
            ofVm.ifPresent(x -> out.add(new DhcpServer(name(), bridge, ref)));
        });
        return out;
    }
}
