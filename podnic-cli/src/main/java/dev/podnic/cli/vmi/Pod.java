package dev.podnic.cli.vmi;

import dev.podnic.api.VmNames;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.PodEngine;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.attach.InProcessAttacher;
import dev.podnic.binding.attach.NodeDaemonAttacher;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.node.api.NodeClient;
import java.nio.file.Files;
import java.nio.file.Path;

/** The binding engine for one pod as the command's flags choose it (a {@link PodEngine} profile), with what it opened. */
final class Pod implements AutoCloseable {
    private final CniOptions.Session cni;
    private final PodEngine pod;
    final BindingEngine engine;

    /**
     * @param network the CNI network's name; null for the default (the first in --conf-dir in-process,
     *                the daemon's with --proxy, where the local configuration is not read at all)
     */
    Pod(CniOptions cniOptions, VmiOptions vmi, String network, Path podNetns, String dhcp, Path resolvConf, VmNames vm) {
        // By the vNIC's MAC, and (either backend) kept from the cluster side: the guest's requests never
        // reach the cluster's servers, theirs never the guest.
        PodEngine.Profile profile = switch (dhcp) {
            case "dnsmasq" -> new PodEngine.LauncherDnsmasq(vmi.dhcpDir(), Path.of("/usr/sbin/dnsmasq"), vmi.libvirtUri(podNetns));
            case "libvirt" -> {
                requireLibvirtd(vmi.libvirtUri(podNetns), podNetns);
                yield new PodEngine.LauncherLibvirt(vmi.libvirtUri(podNetns), vm, vmi.dhcpDir());
            }
            default -> throw new UserError("--dhcp " + dhcp + ": expected libvirt or dnsmasq");
        };
        this.cni = cniOptions.open();
        PodEngine opened = null;
        try {
            Attacher attacher = vmi.proxy != null
                    ? new NodeDaemonAttacher(new NodeClient(vmi.proxy), podNetns, network == null ? "" : network)
                    : new InProcessAttacher(cni.runtime(), cniOptions.network(network), podNetns);
            opened = PodEngine.open(podNetns);
            this.engine = opened.engine(profile, attacher, vmi.records(), resolvConf);
            this.pod = opened;
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            cni.close();
            throw e;
        }
    }

    private static void requireLibvirtd(String uri, Path podNetns) {
        String socket = uri.contains("socket=") ? uri.substring(uri.indexOf("socket=") + 7).split("&")[0] : null;
        if (socket != null && !Files.exists(Path.of(socket))) {
            throw new UserError("no libvirtd at " + socket + "; start one with: podnic pod libvirtd start --netns " + podNetns
                    + " (or use --dhcp dnsmasq)");
        }
    }

    @Override
    public void close() {
        pod.close();
        cni.close();
    }
}
