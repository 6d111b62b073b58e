package dev.podnic.binding.apply;

import dev.podnic.api.VNic;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.plan.PodFacts;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.binding.record.Step;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies the per-vNIC pipeline in a pod: CNI ADD of the VMI interface, remember its
 * configuration, strip it from the interface, bridge it, serve it by DHCP. {@link #down} undoes
 * every step and is safe after a partial {@link #up}. Each step checks before it acts, so running
 * {@code up} again resumes.
 */
public final class VNicBinder {
    private final VmiAttacher attacher;
    private final NetworkOps pod;
    private final DhcpBackend dhcp;
    private final Path resolvConf;

    /** In-process CNI: the launcher runs the plugins itself. */
    public VNicBinder(CniRuntime cni, NetworkConfigList network, Path podNetns, NetworkOps pod, DhcpBackend dhcp,
                      Path resolvConf) {
        this(new InProcessAttacher(cni, network, podNetns), pod, dhcp, resolvConf);
    }

    public VNicBinder(VmiAttacher attacher, NetworkOps pod, DhcpBackend dhcp, Path resolvConf) {
        this.attacher = attacher;
        this.pod = pod;
        this.dhcp = dhcp;
        this.resolvConf = resolvConf;
    }

    /**
     * The CNI container ID of a VM's attachments: derived from its identity, so it never collides
     * with the pod's own (the kubelet's) or another VM's, and is the same on every run.
     */
    public static String containerId(VmiSpec vmi) {
        return containerId(vmi.identity());
    }

    public static String containerId(String identity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "podnic-" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public VmiAttacher attacher() {
        return attacher;
    }

    public BoundVNic up(VmiSpec vmi, VNic nic) {
        return up(vmi, nic, step -> { });
    }

    /**
     * Wires one vNIC; {@code checkpoint} is told each step that completed (CNI_ADDED, BRIDGED) so
     * the caller can record it before the next step's effects begin.
     */
    public BoundVNic up(VmiSpec vmi, VNic nic, Consumer<Step> checkpoint) {
        long t0 = System.nanoTime();
        CniResult result = attacher.attach(vmi.identity(), nic.vmiInterface());
        checkpoint.accept(Step.CNI_ADDED);
        long t1 = System.nanoTime();

        Link vmiLink = pod.link(nic.vmiInterface());
        List<Route> installed = pod.routes(Family.V4, Route.MAIN_TABLE).stream()
                .filter(r -> r.linkIndex() == vmiLink.index() && r.protocol() != Route.PROTO_KERNEL).toList();
        List<GuestRoute> routes = installed.stream().map(r -> new GuestRoute(r.destination(), r.gateway())).toList();
        ResolvConf resolv = ResolvConf.read(resolvConf);
        VNicPlan plan = Planner.plan(vmi, nic, result, new PodFacts(vmiLink.mtu(), routes, resolv.nameservers(), resolv.search()));

        for (Route r : installed) {
            pod.deleteRoute(r);
        }
        for (Address a : pod.addresses(nic.vmiInterface())) {
            if (a.scope() != Scope.LINK || a.address().isIpv4()) {
                pod.deleteAddress(nic.vmiInterface(), a.address());
            }
        }
        if (!dhcp.createsBridge()) {
            if (pod.findLink(plan.bridge()).isEmpty()) {
                pod.createBridge(plan.bridge());
            }
            pod.setUp(plan.bridge(), true);
            if (pod.addresses(plan.bridge()).stream().noneMatch(a -> a.address().equals(plan.bridgeAddress()))) {
                pod.addAddress(plan.bridge(), plan.bridgeAddress(), Scope.LINK);
            }
        }
        long t2 = System.nanoTime();
        dhcp.stopStray(plan.bridge()); // a rerun replaces the server rather than adding a second one
        DhcpServer server = dhcp.start(plan); // a libvirt network creates its bridge here
        long t3 = System.nanoTime();
        pod.setMtu(plan.bridge(), vmiLink.mtu());
        pod.setMaster(nic.vmiInterface(), plan.bridge());
        pod.setUp(nic.vmiInterface(), true);
        checkpoint.accept(Step.BRIDGED);
        long t4 = System.nanoTime();
        return new BoundVNic(plan, result, server, (t1 - t0) / 1e6, ((t2 - t1) + (t4 - t3)) / 1e6, (t3 - t2) / 1e6);
    }

    /**
     * Stops DHCP, removes the bridge and runs CNI DEL for the VMI interface. Safe to repeat and
     * after a partial {@code up}: every part is looked for before it is removed.
     */
    public void down(String vmIdentity, String vmiInterface, String bridge, DhcpServer server) {
        if (server != null) {
            dhcp.stop(server);
        }
        dhcp.stopStray(bridge);
        pod.findLink(bridge).ifPresent(b -> pod.deleteLink(b.name()));
        attacher.detach(vmIdentity, vmiInterface);
    }

    public void down(VmiSpec vmi, VNic nic, DhcpServer server) {
        down(vmi.identity(), nic.vmiInterface(), Planner.bridgeName(nic), server);
    }
}
