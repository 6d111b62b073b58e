package dev.podnic.binding.port;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A persistent tap per vNIC, owned by the user QEMU runs as, a port of the vNIC's bridge: QEMU
 * attaches to it without privileges ({@code <target dev=… managed='no'/>}). Named from the vNIC's
 * name ({@link VmNames#tap}), so that whoever writes the domain (KubeVirt's sidecar) finds it.
 */
public final class OwnedTap implements GuestPort {
    /** The uid of QEMU in KubeVirt's virt-launcher. */
    public static final int KUBEVIRT_QEMU_UID = 107;

    private final int owner;

    public OwnedTap(int owner) {
        this.owner = owner;
    }

    @Override
    public void prepare(NetworkOps pod, VNic nic) {
        String tap = VmNames.tap(nic.name());
        if (pod.findLink(tap).isEmpty()) {
            pod.createTap(tap, owner);
        }
    }

    @Override
    public void plug(NetworkOps pod, VNic nic, Link bridge, int mtu) {
        String tap = VmNames.tap(nic.name());
        pod.plug(tap, bridge, mtu);
    }

    @Override
    public List<String> links(String nicName) {
        return List.of(VmNames.tap(nicName));
    }

    @Override
    public List<String> problems(NetworkOps pod, String nicName, String bridge) {
        String tap = VmNames.tap(nicName);
        Optional<Link> link = pod.findLink(tap);
        if (link.isEmpty()) {
            return List.of("tap " + tap + " (the VM's port) is gone");
        }
        List<String> out = new ArrayList<>();
        Optional<Link> br = pod.findLink(bridge);
        if (br.isPresent() && link.get().masterIndex() != br.get().index()) {
            out.add("tap " + tap + " is not a port of " + bridge);
        }
        if (!link.get().up()) {
            out.add("tap " + tap + " is down");
        }
        return out;
    }

    @Override
    public String domainInterface(VNic nic, int mtu, DhcpBackend dhcp, DhcpServer server) {
        return DomainInterfaceXml.forTap(nic, VmNames.tap(nic.name()), mtu);
    }
}
