package dev.podnic.cli.vmi;

import dev.podnic.api.VmNames;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.attach.NodeDaemonAttacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.dhcp.RouterAdvertisements;
import dev.podnic.binding.libvirt.LibvirtBackend;
import dev.podnic.binding.libvirt.LibvirtDomains;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.kernel.NetfilterTables;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.api.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;

/** The binding engine for one pod, wired from the command's flags, with what it opened. */
final class Pod implements AutoCloseable {
    private final CniOptions.Session cni;
    private final NetworkOps ops;
    private final NetnsThread thread;
    /** nftables in the pod, for the DHCP isolation of either backend. */
    private final NetfilterTables tables;
    private final DhcpBackend backend;
    final BindingEngine engine;

    /**
     * @param network the CNI network's name; null for the default (the first in --conf-dir in-process,
     *                the daemon's with --proxy, where the local configuration is not read at all)
     */
    Pod(CniOptions cniOptions, VmiOptions vmi, String network, Path podNetns, String dhcp, Path resolvConf, VmNames vm) {
        this.cni = cniOptions.open();
        this.ops = KernelNetworkOps.open(podNetns);
        this.thread = NetnsThread.enter(podNetns);
        this.tables = NetfilterTables.open(thread);
        try {
            this.backend = switch (dhcp) {
                // By the vNIC's MAC, and (either backend) kept from the cluster side: the guest's requests never
                // reach the cluster's servers, theirs never the guest.
                case "dnsmasq" -> new DnsmasqBackend(thread, vmi.dhcpDir(), Path.of("/usr/sbin/dnsmasq"), new DhcpIsolation(tables),
                        false);
                case "libvirt" -> libvirt(vmi.libvirtUri(podNetns), vm, podNetns, new DhcpIsolation(tables),
                        new RouterAdvertisements(thread, vmi.dhcpDir()));
                default -> throw new UserError("--dhcp " + dhcp + ": expected libvirt or dnsmasq");
            };
            Attacher attacher = vmi.proxy != null
                    ? new NodeDaemonAttacher(new NodeClient(vmi.proxy), podNetns, network == null ? "" : network)
                    : new InProcessAttacher(cni.runtime(), cniOptions.network(network), podNetns);
            this.engine = new BindingEngine(attacher, ops, backend, new LibvirtDomains(vmi.libvirtUri(podNetns)), vmi.records(),
                    resolvConf, podNetns);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static LibvirtBackend libvirt(String uri, VmNames vm, Path podNetns, DhcpIsolation isolation,
                                          RouterAdvertisements advertisements) {
        String socket = uri.contains("socket=") ? uri.substring(uri.indexOf("socket=") + 7).split("&")[0] : null;
        if (socket != null && !Files.exists(Path.of(socket))) {
            throw new UserError("no libvirtd at " + socket + "; start one with: podnic pod libvirtd start --netns " + podNetns
                    + " (or use --dhcp dnsmasq)");
        }
        return new LibvirtBackend(uri, vm, isolation, advertisements);
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
        tables.close();
        thread.close();
        ops.close();
        cni.close();
    }
}
