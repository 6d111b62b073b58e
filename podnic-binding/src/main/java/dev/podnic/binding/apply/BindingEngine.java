package dev.podnic.binding.apply;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.plan.PodFacts;
import dev.podnic.binding.plan.VNicPlan;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.binding.record.RecordedFacts;
import dev.podnic.binding.record.Records;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A VM's network lifecycle in one pod: for every pod-network vNIC, CNI ADD of its VMI interface,
 * remember what the plan is made from, strip the interface, bridge it, serve the plan by DHCP; and
 * the reverse. Driven by whoever holds the pod's network namespace — the launcher inside the pod,
 * or the node daemon from the host side — through seams for every effect: {@link Attacher} (CNI),
 * {@link NetworkOps} (the pod's links), {@link DhcpBackend}, {@link Domains}, {@link Records}.
 *
 * <p>Crash-safe by checkpoints: the record is written before each step's effects begin (PENDING
 * before CNI ADD; CNI_ADDED with the pod facts before stripping and bridging — a DHCP server may start
 * beside it, and every way down stops one it finds on the bridge; SERVING), so
 * {@link #up} run again after a crash at any point finishes the job with the same plan, and
 * {@link #down} undoes whatever a partial {@code up} did.
 */
public final class BindingEngine {
    /** How long the link is asked for the IPv6 gateway's link-local address (it answers in about a millisecond). */
    private static final Duration ROUTER_PROBE_TIMEOUT = Duration.ofSeconds(3);
    private final Attacher attacher;
    private final NetworkOps pod;
    private final DhcpBackend dhcp;
    private final Domains domains;
    private final Records records;
    private final Path resolvConf;
    private final Path podNetns;
    private final GuestPort port;
    private final VNicTeardown teardown;
    private final VNicCheck check;
    private final VNicPreparation preparation;
    /** Where a vNIC's pod-side work that can run beside the caller's runs (the preparation, the DHCP server's start). */
    private final Executor beside;

    /** Runs nothing: what is given to it is the caller's to make, after CNI ADD (see the constructor). */
    public static final Executor AFTER_CNI_ADD = task -> { };

    /**
     * @param pod        netlink in the pod's network namespace
     * @param resolvConf the pod's resolv.conf: DNS for guests when CNI gives none
     * @param podNetns   the pod's namespace as the attacher names it (recorded; a rerun must use the same)
     */
    public BindingEngine(Attacher attacher, NetworkOps pod, DhcpBackend dhcp, Domains domains, Records records,
                         Path resolvConf, Path podNetns) {
        this(attacher, pod, dhcp, domains, records, resolvConf, podNetns, GuestPort.LIBVIRT);
    }

    /** @param port what the VM's NIC plugs into: made by libvirt, or prepared here (a tap QEMU may attach to) */
    public BindingEngine(Attacher attacher, NetworkOps pod, DhcpBackend dhcp, Domains domains, Records records,
                         Path resolvConf, Path podNetns, GuestPort port) {
        this(attacher, pod, dhcp, domains, records, resolvConf, podNetns, port, AFTER_CNI_ADD);
    }

    /**
     * @param preparing where each vNIC's bridge, DHCP isolation and port may be made while its CNI ADD
     *                  runs (they need nothing from it): a thread of {@code preparing} that gets to it
     *                  first overlaps them with the plugins; else ({@link #AFTER_CNI_ADD}) the caller
     *                  makes them once CNI ADD succeeded. A failed CNI ADD leaves none of them where no
     *                  other thread began them (where one did, the caller undoes them: {@link #down}).
     */
    public BindingEngine(Attacher attacher, NetworkOps pod, DhcpBackend dhcp, Domains domains, Records records,
                         Path resolvConf, Path podNetns, GuestPort port, Executor preparing) {
        this.port = port;
        this.attacher = attacher;
        this.pod = pod;
        this.dhcp = dhcp;
        this.domains = domains;
        this.records = records;
        this.resolvConf = resolvConf;
        this.podNetns = podNetns;
        this.teardown = new VNicTeardown(attacher, pod, dhcp);
        this.check = new VNicCheck(attacher, pod, dhcp, port);
        this.preparation = new VNicPreparation(pod, dhcp, port, preparing);
        this.beside = preparing;
    }

    /**
     * Wires every vNIC of {@code vmi}; resumes where an earlier run stopped. On failure of one vNIC
     * the ones before it stay wired and recorded: a rerun continues, {@link #down} undoes.
     *
     * @throws BindingException naming the vNIC and the step that failed
     */
    public List<BoundVNic> up(VmiSpec vmi) {
        VmNames names = VmNames.of(vmi);
        Optional<VmiRecord> earlier = records.load(vmi.namespace(), vmi.name());
        VmiRecord rec = earlier.orElseGet(() -> fresh(vmi, names));
        if (!rec.podNetns().equals(podNetns.toString()) || !rec.network().equals(attacher.network())
                || !rec.backend().equals(dhcp.name()) || rec.nics().size() != vmi.nics().size()) {
            throw new BindingException(vmi.namespace() + "/" + vmi.name() + " is already up in " + rec.podNetns()
                    + " on network " + (rec.network().isEmpty() ? "(the node daemon's default)" : rec.network()) + " with "
                    + rec.nics().size() + " vNIC(s) served by " + rec.backend() + "; run down first");
        }
        long t = System.nanoTime();
        records.save(rec); // before any plugin runs
        long firstRecordNanos = System.nanoTime() - t; // podnic's work too: booked on the first vNIC
        AttachStep.reached("PENDING recorded");
        List<BoundVNic> bound = new ArrayList<>();
        for (VNic nic : vmi.nics()) {
            String where = vmi.namespace() + "/" + vmi.name() + " vNIC " + nic.name() + " (" + nic.vmiInterface() + ")";
            VNicWiring wiring = new VNicWiring(rec, nic.index());
            try {
                bound.add(wiring.up(vmi, names, nic, earlier.isPresent(), bound.isEmpty() ? firstRecordNanos : 0));
            } catch (CniException e) {
                throw new BindingException(where + ": " + wiring.doing + " failed", e, e.error());
            } catch (RuntimeException e) {
                throw new BindingException(where + ": " + wiring.doing + " failed", e);
            } finally {
                rec = wiring.rec;
            }
        }
        return bound;
    }

    /** Records the libvirt domain about to be started for the VM, so that {@link #down} destroys it. */
    public void recordDomain(String namespace, String name, String domain) {
        records.load(namespace, name).ifPresent(r -> records.save(r.withDomain(domain)));
    }

    public Optional<VmiRecord> status(String namespace, String name) {
        return records.load(namespace, name);
    }

    /**
     * Checks a VM that was brought up against its record, per vNIC: the attachment (the attacher's
     * CHECK), the VMI interface (there, up, a port of its bridge, no IPv4 address left), the bridge
     * (there, up, its link-local address) and the DHCP server (running). Empty when nothing is recorded.
     */
    public Optional<VmiHealth> health(String namespace, String name) {
        return records.load(namespace, name).map(rec -> {
            VmNames names = VmNames.of(rec.identity());
            Map<String, List<String>> problems = new LinkedHashMap<>();
            for (VNicRecord n : rec.nics()) {
                problems.put(n.vmiInterface(), check.problems(names, n));
            }
            return new VmiHealth(namespace, name, problems);
        });
    }

    /**
     * Undoes everything recorded for namespace/name: the domain, then per vNIC (last first) DHCP,
     * bridge and CNI DEL. Without a record and with {@code unrecorded} given, finds the VM's vNICs
     * through the DHCP backend (the seed's way: the VM's libvirt networks) and undoes those. Safe to
     * repeat. When a vNIC cannot be released the record is kept (a rerun tries again) and the error thrown.
     */
    public Released down(String namespace, String name, Optional<VmNames> unrecorded) {
        Optional<VmiRecord> found = records.load(namespace, name);
        if (found.isEmpty()) {
            return unrecorded.map(this::downWithoutRecord).orElse(new Released.Nothing());
        }
        return downRecorded(found.get(), true);
    }

    /**
     * {@link #down} of what is recorded, except the pod's links podnic made (each vNIC's port and
     * bridge), which the caller removes after it has answered: they serve nothing any more, and
     * removing them while the plugins' DEL runs makes both wait on the kernel's lock. The caller
     * records them ({@link #links}) before it calls this, so that no moment leaves them known to no one.
     */
    public Released downLeavingLinks(String namespace, String name) {
        return records.load(namespace, name).map(rec -> downRecorded(rec, false)).orElse(new Released.Nothing());
    }

    /** The pod's links podnic made for the VM (each vNIC's port and bridge), as recorded; empty when nothing is. */
    public List<String> links(String namespace, String name) {
        List<String> out = new ArrayList<>();
        records.load(namespace, name).ifPresent(rec -> rec.nics().forEach(n -> {
            out.addAll(port.links(n.name()));
            out.add(n.bridge());
        }));
        return out;
    }

    /** @param removeLinks whether the pod's links podnic made go here too (else the caller removes them) */
    private Released downRecorded(VmiRecord rec, boolean removeLinks) {
        VmNames names = VmNames.of(rec.identity());
        boolean destroyed = rec.domain() != null && domains.destroy(rec.domain());
        List<VNicRecord> nics = new ArrayList<>(rec.nics());
        Collections.reverse(nics);
        List<String> failures = new ArrayList<>();
        for (VNicRecord n : nics) {
            try {
                List<IpNet> cniAddresses = VNicTeardown.cniAddresses(n);
                if (removeLinks) {
                    teardown.undo(names, n.vmiInterface(), n.bridge(), n.dhcp(), port.links(n.name()), cniAddresses);
                } else {
                    teardown.undoLeavingLinks(names, n.vmiInterface(), n.bridge(), n.dhcp(), cniAddresses);
                }
            } catch (RuntimeException e) {
                failures.add(n.vmiInterface() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new BindingException(rec.namespace() + "/" + rec.name() + ": could not release " + String.join("; ", failures)
                    + " (the record is kept: run down again)");
        }
        records.delete(rec.namespace(), rec.name());
        return new Released.Recorded(rec.nics().size(), destroyed ? rec.domain() : null);
    }

    private Released downWithoutRecord(VmNames vm) {
        int n = 0;
        for (DhcpServer server : dhcp.discover(vm)) {
            Optional<String> vmiInterface = VmNames.vmiInterfaceOfBridge(server.bridge());
            if (vmiInterface.isPresent()) {
                teardown.undo(vm, vmiInterface.get(), server.bridge(), server, List.of(), List.of());
                n++;
            }
        }
        return n == 0 ? new Released.Nothing() : new Released.Discovered(n);
    }

    private VmiRecord fresh(VmiSpec vmi, VmNames names) {
        List<VNicRecord> nics = vmi.nics().stream().map(n -> VNicRecord.pending(new VNicRecord.Nic(n.index(), n.name(),
                n.mac().toString(), n.model().libvirtName(), n.vmiInterface(), n.bridge()))).toList();
        return new VmiRecord(vmi.namespace(), vmi.name(), vmi.identity(), attacher.containerId(names).orElse(null),
                podNetns.toString(), attacher.network(), dhcp.name(), nics, null);
    }

    /** One vNIC's way up, keeping the record current at each checkpoint. */
    private final class VNicWiring {
        private VmiRecord rec;
        private final int index;
        private String doing = "CNI ADD";

        VNicWiring(VmiRecord rec, int index) {
            this.rec = rec;
            this.index = index;
        }

        private VNicRecord recorded() {
            return rec.nic(index);
        }

        private void checkpoint(VNicRecord n) {
            rec = rec.with(n);
            records.save(rec);
        }

        /**
         * @param resuming           an earlier run recorded this VM (and may have been killed in the middle of a step)
         * @param earlierPodnicNanos podnic's work before this vNIC that no other vNIC was booked for
         */
        BoundVNic up(VmiSpec vmi, VmNames names, VNic nic, boolean resuming, long earlierPodnicNanos) {
            long t0 = System.nanoTime();
            if (resuming && recorded().step() == Step.PENDING) {
                // An ADD may have been killed half-way: plugins refuse to ADD over its leftovers, so DEL first.
                doing = "CNI DEL of an interrupted ADD";
                attacher.detach(names, nic.vmiInterface());
                doing = "CNI ADD";
            }
            // The pod's side that needs nothing from CNI ADD is made while its plugins run where a thread takes it. A crash
            // meanwhile leaves the record PENDING, and every way down looks for what it made.
            Offered<VNicPreparation.Prepared> preparing = preparation.begin(nic);
            CniResult result;
            try {
                result = attacher.attach(names, nic.vmiInterface());
            } catch (RuntimeException e) {
                preparing.abandon(e);
                throw e;
            }
            long attached = System.nanoTime();
            AttachStep.reached("attached");
            doing = "preparing the bridge, its DHCP isolation and the VM's port";
            VNicPreparation.Prepared prepared = preparing.finish();
            long t1 = System.nanoTime();

            doing = "reading the VMI interface";
            RecordedFacts recordedFacts = recorded().facts();
            // First time past CNI ADD: the interface is as the plugins left it (else a rerun: an earlier one may have stripped some).
            boolean firstPastCniAdd = recordedFacts == null;
            Link link = pod.link(nic.vmiInterface());
            List<Route> installed = installedRoutes(link); // the plugins' routes on it, as the strip finds them
            RecordedFacts facts = firstPastCniAdd ? RecordedFacts.of(readFacts(link, installed, result)) : recordedFacts;
            doing = "planning";
            VNicPlan plan = Planner.plan(vmi, nic, result, facts.toFacts());
            // A DHCP server can only be left over on a bridge that existed already (an earlier run of this VM's
            // up, or a VM before it in this pod): a fresh bridge has none to replace, and looking costs a scan.
            boolean strayPossible = resuming || prepared.bridgeExisted();
            doing = "stripping and bridging";
            boolean bridgeReady = !dhcp.createsBridge(); // (a libvirt network creates its bridge as its DHCP starts)
            if (bridgeReady) {
                ipv6Server(plan, prepared.bridge()); // before the VMI interface joins the bridge (see ipv6Server)
            }
            // The DHCP server needs the bridge up and isolated (prepared) and the plan, nothing of the VMI interface: it
            // starts beside the facts' record, the strip and the plug where a thread of the profile's takes it, else after
            // them (as the libvirt network's). A crash meanwhile leaves it unrecorded: every way down stops a server it
            // finds on the bridge, and a rerun replaces it (strayPossible). (No checkpoint of its own: a record write costs
            // the ADD ~0.2–0.5 ms.)
            Offered<DhcpServer> serving = Offered.to(bridgeReady ? beside : AFTER_CNI_ADD, () -> startDhcp(plan, strayPossible));
            try {
                if (firstPastCniAdd) { // before the strip takes the facts away
                    doing = "recording the VMI interface's facts";
                    checkpoint(recorded().added(facts));
                    AttachStep.reached("CNI_ADDED recorded");
                }
                doing = "stripping and bridging";
                strip(link, installed);
                if (bridgeReady) {
                    plugVmiInterface(plan, prepared.bridge());
                }
            } catch (RuntimeException e) {
                serving.abandon(e);
                throw e;
            }
            long t2 = System.nanoTime();
            AttachStep.reached("stripped");
            doing = "starting DHCP";
            DhcpServer server = serving.finish();
            Link bridge = bridgeReady ? prepared.bridge() : pod.link(plan.bridge()); // (made by the libvirt network as it started)
            if (!bridgeReady) {
                ipv6Server(plan, bridge);
            }
            long t3 = System.nanoTime();
            AttachStep.reached("DHCP started");
            doing = "plugging into the bridge";
            if (!bridgeReady) {
                plugVmiInterface(plan, bridge);
            }
            port.plug(pod, nic, bridge, plan.guest().mtu()); // once the bridge serves (see GuestPort#plug)
            AttachStep.reached("plugged");
            checkpoint(served(nic, plan, server));
            long t4 = System.nanoTime();
            AttachStep.reached("SERVING recorded");
            // Booked as the caller waits: CNI ADD while its plugins ran, podnic's work for the rest (a wait for the
            // preparation after CNI ADD returned included).
            return new BoundVNic(plan, result, server, port.domainInterface(nic, plan.guest().mtu(), dhcp, server),
                    (attached - t0) / 1e6, (earlierPodnicNanos + (t2 - attached) + (t4 - t3)) / 1e6, (t3 - t2) / 1e6);
        }

        private DhcpServer startDhcp(VNicPlan plan, boolean strayPossible) {
            if (strayPossible) {
                dhcp.stopStray(plan.bridge()); // a rerun replaces the server rather than adding a second one
            }
            return dhcp.start(plan);
        }

        /** The VMI interface a port of the bridge, which takes the guest's MTU (the pod's side carries the guest's frames). */
        private void plugVmiInterface(VNicPlan plan, Link bridge) {
            pod.setMtu(plan.bridge(), plan.guest().mtu());
            pod.plug(plan.vmiInterface(), bridge, 0);
        }

        private VNicRecord served(VNic nic, VNicPlan plan, DhcpServer server) {
            GuestConfig g = plan.guest();
            return new VNicRecord(new VNicRecord.Nic(nic.index(), nic.name(), nic.mac().toString(), nic.model().libvirtName(),
                    nic.vmiInterface(), plan.bridge()), Step.SERVING, recorded().facts(), server, new VNicRecord.Guest(
                    g.address() == null ? null : g.address().toString(), g.gateway() == null ? null : g.gateway().getHostAddress(),
                    g.routes().stream().map(GuestRoute::toString).toList(), g.mtu(),
                    g.dnsServers().stream().map(InetAddress::getHostAddress).toList(), g.ipv6() == null ? null : g.ipv6().address().toString(),
                    g.ipv6() == null || g.ipv6().router() == null ? null : IpLiteral.format(g.ipv6().router())));
        }
    }

    /**
     * The VMI interface's MTU and the routes the plugins installed on it, the IPv6 gateway's
     * link-local address (asked of the link while the interface still has its addresses), and the
     * pod's DNS.
     */
    private PodFacts readFacts(Link link, List<Route> installed, CniResult result) {
        List<GuestRoute> routes = installed.stream().map(r -> new GuestRoute(r.destination(), r.gateway())).toList();
        InetAddress router = Planner.ipv6Gateway(result, link.name(), routes).filter(g -> !g.isLinkLocalAddress())
                .flatMap(g -> routerLinkLocal(link.name(), g)).orElse(null);
        ResolvConf resolv = ResolvConf.read(resolvConf);
        return new PodFacts(link.mtu(), routes, resolv.nameservers(), resolv.search(), router);
    }

    /** Unknown (no default route is advertised; the plan says so) when the link cannot be asked. */
    private Optional<InetAddress> routerLinkLocal(String vmiInterface, InetAddress gateway) {
        try {
            return pod.neighbourLinkLocal(vmiInterface, gateway, ROUTER_PROBE_TIMEOUT);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private List<Route> installedRoutes(Link link) {
        return pod.routes(Route.MAIN_TABLE).stream()
                .filter(r -> r.linkIndex() == link.index() && r.protocol() != Route.PROTO_KERNEL).toList();
    }

    /** Removes the interface's addresses and its {@code installed} routes (the guest gets them); keeps its IPv6 link-local address. */
    private void strip(Link vmiInterface, List<Route> installed) {
        for (Route r : installed) {
            pod.deleteRoute(r);
        }
        for (Address a : pod.addressesOf(vmiInterface)) {
            if (a.scope() != Scope.LINK || a.address().isIpv4()) {
                pod.deleteAddress(vmiInterface, a.address());
            }
        }
    }

    /**
     * The bridge's side of DHCPv6: the server's address without a prefix route (and without duplicate
     * address detection: usable at once), for backends that do not make the bridge (a libvirt
     * network's bridge gets it once the network made it). Set before the VMI interface joins the
     * bridge: until a port brings it carrier the bridge has no link-local address, and the one it
     * makes then is usable at once too (no detection: the bridge is podnic's, and the DHCPv6 server
     * answers from it). The rest of the bridge's IPv6 (no advertisements taken, IPv6 on at all) is
     * podnic-ra's precondition, set as it starts.
     */
    private void ipv6Server(VNicPlan plan, Link bridge) {
        if (plan.dhcpv6Address() == null) {
            return;
        }
        pod.setSysctl("net/ipv6/conf/" + plan.bridge() + "/accept_dad", "0");
        if (pod.addressesOf(bridge).stream().noneMatch(a -> a.address().equals(plan.dhcpv6Address()))) {
            pod.addAddressWithoutPrefixRoute(plan.bridge(), plan.dhcpv6Address(), Scope.UNIVERSE);
        }
    }
}
