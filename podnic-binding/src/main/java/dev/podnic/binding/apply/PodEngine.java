package dev.podnic.binding.apply;

import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.dhcp.RouterAdvertisements;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.dhcp.server.InProcessDhcpBackend;
import dev.podnic.binding.domain.Domains;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.binding.libvirt.LibvirtDomains;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.binding.port.OwnedTap;
import dev.podnic.binding.record.Records;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The binding engine for one pod, composed in one place for every way podnic meets a VM: what is
 * opened in the pod (netlink, a thread inside the namespace, nftables for the DHCP isolation), and
 * what varies by {@link Profile} — the DHCP backend, who runs the VM, what the VM's NIC plugs into.
 * The caller gives what reaches CNI (an {@link Attacher}; it may look at the pod's links first, as an
 * adopted interface is found by them) and where the records live. Closing closes what was opened
 * here, the backend's connections included; servers and links stay (they are the VM's).
 */
public final class PodEngine implements AutoCloseable {
    /** The pod as opened here, for a profile to build its backend on; {@code netns} as CNI names it. */
    public record Opened(Path netns, NetnsThread thread, DhcpIsolation isolation) {
    }

    /** What varies between the ways podnic meets a VM. */
    public interface Profile {
        DhcpBackend dhcp(Opened pod);

        /** Who runs the VM, as far as podnic tears it down. */
        default Domains domains() {
            return Domains.NONE;
        }

        /** What the VM's NIC plugs into. */
        default GuestPort port() {
            return GuestPort.LIBVIRT;
        }

        /**
         * Where a vNIC's bridge, DHCP isolation and port are made while its CNI ADD runs, and its DHCP
         * server started while its VMI interface is stripped (see {@link BindingEngine}); by default
         * after CNI ADD, on the caller's thread.
         */
        default Executor preparing(Opened pod) {
            return BindingEngine.AFTER_CNI_ADD;
        }
    }

    /**
     * podnic's launcher with a dnsmasq per vNIC, answering the vNIC's MAC only; the VM runs in the
     * pod's libvirtd ({@code libvirtUri}), destroyed on down (null: no libvirtd podnic knows of).
     */
    public record LauncherDnsmasq(Path dhcpDir, Path dnsmasq, String libvirtUri) implements Profile {
        @Override
        public DhcpBackend dhcp(Opened pod) {
            return new DnsmasqBackend(pod.thread(), dhcpDir, dnsmasq, pod.isolation(), false);
        }

        @Override
        public Domains domains() {
            return libvirtUri == null ? Domains.NONE : new LibvirtDomains(libvirtUri);
        }
    }

    /** podnic's launcher with a libvirt network per vNIC (libvirt makes the bridge and runs dnsmasq). */
    public record LauncherLibvirt(String libvirtUri, VmNames vm, Path dhcpDir) implements Profile {
        @Override
        public DhcpBackend dhcp(Opened pod) {
            return new LibvirtBackend(libvirtUri, vm, pod.isolation(), new RouterAdvertisements(pod.thread(), dhcpDir));
        }

        @Override
        public Domains domains() {
            return new LibvirtDomains(libvirtUri);
        }
    }

    /**
     * The KubeVirt binding, wired by the node daemon from the host side: the daemon's own DHCP servers
     * answer whoever asks on the bridge (KubeVirt tells no MAC; the isolation keeps the cluster side
     * out), or dnsmasq for an attachment an earlier podnic made with it; the VM's NIC is a tap QEMU
     * (uid {@code qemuUid}) attaches to unprivileged; KubeVirt runs the VM. The daemon makes the
     * pod's side while the plugins run.
     */
    public record HostSide(Path dhcpDir, DhcpServers servers, int qemuUid, boolean madeWithDnsmasq, Path dnsmasq)
            implements Profile {
        @Override
        public DhcpBackend dhcp(Opened pod) {
            return madeWithDnsmasq ? new DnsmasqBackend(pod.thread(), dhcpDir, dnsmasq, pod.isolation(), true)
                    : new InProcessDhcpBackend(pod.thread(), dhcpDir, servers, pod.isolation(), pod.netns());
        }

        @Override
        public GuestPort port() {
            return new OwnedTap(qemuUid);
        }

        /**
         * The pod's own thread: the tap and the DHCP server's sockets are made in the pod's namespace, and
         * made there no other thread is woken on the way (each hand-off between threads costs an ADD
         * ~0.1–0.3 ms on a node's idle CPUs).
         */
        @Override
        public Executor preparing(Opened pod) {
            return pod.thread();
        }
    }

    private final Path netns;
    private final NetworkOps links;
    private final NetnsThread thread;
    private final NetfilterTables tables;
    private final List<DhcpBackend> backends = new ArrayList<>();

    private PodEngine(Path netns, NetworkOps links, NetnsThread thread, NetfilterTables tables) {
        this.netns = netns;
        this.links = links;
        this.thread = thread;
        this.tables = tables;
    }

    /** Opens the pod at {@code netns}: its links, a thread inside it, its nftables. */
    public static PodEngine open(Path netns) {
        return open(netns, netns);
    }

    /**
     * @param netns         the pod's namespace as CNI names it: what the engine records and the backend
     *                      keeps (a rerun, a DEL and a restarted daemon find the pod by it)
     * @param openedThrough a path to the same namespace to open it by now (the node daemon opens the
     *                      namespace it proved the caller's, held as {@code /proc/self/fd/N})
     */
    public static PodEngine open(Path netns, Path openedThrough) {
        NetnsThread thread = NetnsThread.enter(openedThrough); // one thread in the pod: entering costs (~0.5 ms each)
        NetworkOps links = null;
        try {
            links = KernelNetworkOps.in(thread);
            return new PodEngine(netns, links, thread, NetfilterTables.open(thread));
        } catch (RuntimeException e) {
            if (links != null) {
                links.close();
            }
            thread.close();
            throw e;
        }
    }

    /** The pod's links (netlink in its namespace). */
    public NetworkOps links() {
        return links;
    }

    /**
     * The engine for this pod as {@code profile} has it.
     *
     * @param resolvConf the pod's resolv.conf (DNS for guests when CNI gives none)
     */
    public BindingEngine engine(Profile profile, Attacher attacher, Records records, Path resolvConf) {
        Opened pod = new Opened(netns, thread, new DhcpIsolation(tables));
        DhcpBackend dhcp = profile.dhcp(pod);
        backends.add(dhcp);
        return new BindingEngine(attacher, links, dhcp, profile.domains(), records, resolvConf, netns, profile.port(),
                profile.preparing(pod));
    }

    @Override
    public void close() {
        backends.forEach(DhcpBackend::close);
        tables.close();
        links.close();
        thread.close();
    }
}
