package dev.podnic.binding.apply;

import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.binding.record.Step;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One vNIC checked against its record: the attachment (the attacher's CHECK), the VMI interface
 * (there, up, a port of its bridge, no address of the guest's left), the VM's port, the bridge
 * (there, up, the servers' addresses) and the DHCP server (serving).
 */
final class VNicCheck {
    private final Attacher attacher;
    private final NetworkOps pod;
    private final DhcpBackend dhcp;
    private final GuestPort port;

    VNicCheck(Attacher attacher, NetworkOps pod, DhcpBackend dhcp, GuestPort port) {
        this.attacher = attacher;
        this.pod = pod;
        this.dhcp = dhcp;
        this.port = port;
    }

    /** What is wrong with the vNIC, each in a sentence; empty when nothing is. */
    List<String> problems(VmNames names, VNicRecord n) {
        List<String> out = new ArrayList<>();
        if (n.step() != Step.SERVING) {
            out.add("not up: it reached " + n.step() + " (rerun up, or down)");
        }
        try {
            attacher.check(names, n.vmiInterface());
        } catch (RuntimeException e) {
            out.add("attachment: " + e.getMessage());
        }
        Optional<Link> bridge = pod.findLink(n.bridge());
        Optional<Link> vmi = pod.findLink(n.vmiInterface());
        if (vmi.isEmpty()) {
            out.add(n.vmiInterface() + " is gone from the pod");
        } else {
            if (!vmi.get().up()) {
                out.add(n.vmiInterface() + " is down");
            }
            if (bridge.isPresent() && vmi.get().masterIndex() != bridge.get().index()) {
                out.add(n.vmiInterface() + " is not a port of " + n.bridge());
            }
            pod.addresses(n.vmiInterface()).stream().filter(a -> a.address().isIpv4() || a.scope() != Scope.LINK).forEach(a ->
                    out.add(n.vmiInterface() + " has " + a.address() + " again (the guest's address; something re-added it)"));
        }
        out.addAll(port.problems(pod, n.name(), n.bridge()));
        if (bridge.isEmpty()) {
            out.add("bridge " + n.bridge() + " is gone");
        } else {
            if (!bridge.get().up()) {
                out.add("bridge " + n.bridge() + " is down");
            }
            IpNet own = Planner.bridgeAddress(n.index());
            List<Address> held = pod.addresses(n.bridge());
            if (held.stream().noneMatch(a -> a.address().equals(own))) {
                out.add("bridge " + n.bridge() + " lacks its address " + own + " (the DHCP server's)");
            }
            if (n.address6() != null) {
                IpNet own6 = Planner.dhcpv6Address(n.index(), IpNet.parse(n.address6()).prefixLength());
                if (held.stream().noneMatch(a -> a.address().equals(own6))) {
                    out.add("bridge " + n.bridge() + " lacks its address " + own6 + " (the DHCPv6 server's)");
                }
            }
        }
        if (n.dhcp() == null) {
            out.add("no DHCP server recorded");
        } else if (!dhcp.serves(n.dhcp())) {
            out.add("DHCP server " + n.dhcp().ref() + " (" + n.dhcp().backend() + ") is not serving " + n.bridge());
        }
        return out;
    }
}
