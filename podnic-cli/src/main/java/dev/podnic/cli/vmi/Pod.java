package dev.podnic.cli.vmi;

import dev.podnic.binding.apply.InProcessAttacher;
import dev.podnic.binding.apply.VNicBinder;
import dev.podnic.binding.apply.VmiAttacher;
import dev.podnic.binding.apply.VmiBinding;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.api.ProxyAttacher;
import dev.podnic.node.api.ProxyClient;
import java.nio.file.Files;
import java.nio.file.Path;

/** Everything opened for one pod: CNI session, netlink, a thread in the pod, the binding. */
final class Pod implements AutoCloseable {
    final CniOptions.Session cni;
    final NetworkOps ops;
    final NetnsThread thread;
    final VmiBinding binding;
    final DhcpBackend backend;

    /**
     * @param network the CNI network's name; null for the default (the first in --conf-dir in-process,
     *                the daemon's with --proxy, where the local configuration is not read at all)
     */
    Pod(CniOptions cniOptions, VmiOptions vmi, String network, Path podNetns, String dhcp, Path resolvConf,
        String identity) {
        this.cni = cniOptions.open();
        this.ops = KernelNetworkOps.open(podNetns);
        this.thread = NetnsThread.enter(podNetns);
        try {
            this.backend = switch (dhcp) {
                case "dnsmasq" -> new DnsmasqBackend(thread, vmi.dhcpDir(), Path.of("/usr/sbin/dnsmasq"));
                case "libvirt" -> libvirt(vmi.libvirtUri(podNetns), identity, podNetns);
                default -> throw new UserError("--dhcp " + dhcp + ": expected libvirt or dnsmasq");
            };
        } catch (RuntimeException e) {
            thread.close();
            ops.close();
            cni.close();
            throw e;
        }
        VmiAttacher attacher = vmi.proxy != null
                ? new ProxyAttacher(new ProxyClient(vmi.proxy), podNetns, network == null ? "" : network)
                : new InProcessAttacher(cni.runtime(), cniOptions.network(network), podNetns);
        VNicBinder binder = new VNicBinder(attacher, ops, backend, resolvConf);
        this.binding = new VmiBinding(binder, vmi.records(), attacher.network(), podNetns, backend.name());
    }

    private static LibvirtBackend libvirt(String uri, String identity, Path podNetns) {
        String socket = uri.contains("socket=") ? uri.substring(uri.indexOf("socket=") + 7).split("&")[0] : null;
        if (socket != null && !Files.exists(Path.of(socket))) {
            throw new UserError("no libvirtd at " + socket + "; start one with: podnic pod libvirtd start --netns " + podNetns
                    + " (or use --dhcp dnsmasq)");
        }
        return new LibvirtBackend(uri, LibvirtBackend.tagFor(identity));
    }

    /** The domain interface XML for a vNIC served by this pod's backend. */
    String domainXml(dev.podnic.binding.apply.BoundVNic b) {
        return backend instanceof LibvirtBackend
                ? DomainInterfaceXml.forNetwork(b.plan().vnic(), b.dhcp().ref())
                : DomainInterfaceXml.forBridge(b.plan().vnic(), b.plan().bridge());
    }

    @Override
    public void close() {
        if (backend instanceof LibvirtBackend l) {
            l.close();
        }
        thread.close();
        ops.close();
        cni.close();
    }
}
