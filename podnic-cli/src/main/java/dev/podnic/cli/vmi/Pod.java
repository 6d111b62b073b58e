package dev.podnic.cli.vmi;

import dev.podnic.binding.apply.VNicBinder;
import dev.podnic.binding.apply.VmiBinding;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Path;

/** Everything opened for one pod: CNI session, netlink, a thread in the pod, the binding. */
final class Pod implements AutoCloseable {
    final CniOptions.Session cni;
    final NetworkOps ops;
    final NetnsThread thread;
    final VmiBinding binding;
    final DhcpBackend backend;

    Pod(CniOptions cniOptions, VmiOptions vmi, NetworkConfigList network, Path podNetns, String dhcp, Path resolvConf) {
        this.cni = cniOptions.open();
        this.ops = KernelNetworkOps.open(podNetns);
        this.thread = NetnsThread.enter(podNetns);
        this.backend = switch (dhcp) {
            case "dnsmasq" -> new DnsmasqBackend(thread, vmi.dhcpDir(), Path.of("/usr/sbin/dnsmasq"));
            default -> throw new UserError("--dhcp " + dhcp + ": expected dnsmasq (the libvirt backend is not built yet)");
        };
        VNicBinder binder = new VNicBinder(cni.runtime(), network, podNetns, ops, backend, resolvConf);
        this.binding = new VmiBinding(binder, vmi.records(), network.name(), podNetns, backend.name());
    }

    @Override
    public void close() {
        thread.close();
        ops.close();
        cni.close();
    }
}
