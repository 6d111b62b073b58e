package dev.podnic.binding.port;

import dev.podnic.api.VNic;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import java.util.List;

/**
 * What a VM's NIC plugs into on the pod side, and the domain {@code <interface>} that says so.
 * Where libvirt may change the pod's links (podnic's own launcher: libvirtd in the pod) it makes
 * the port itself from the backend's interface ({@link #LIBVIRT}); where it may not (KubeVirt:
 * unprivileged QEMU, no NET_ADMIN) the engine prepares a tap that QEMU attaches to ({@link OwnedTap}).
 */
public interface GuestPort {
    /** libvirt makes the tap and plugs it into the bridge or network the DHCP backend names. */
    GuestPort LIBVIRT = new GuestPort() {
        @Override
        public void prepare(NetworkOps pod, VNic nic) {
        }

        @Override
        public void plug(NetworkOps pod, VNic nic, Link bridge, int mtu) {
        }

        @Override
        public List<String> links(String nicName) {
            return List.of();
        }

        @Override
        public String domainInterface(VNic nic, int mtu, DhcpBackend dhcp, DhcpServer server) {
            return dhcp.domainInterface(nic, server);
        }

        @Override
        public List<String> problems(NetworkOps pod, String nicName, String bridge) {
            return List.of(); // libvirt's own, and only there while the domain runs
        }
    };

    /**
     * Makes the port, apart from any bridge; idempotent (a rerun after a crash finds it made). Needs
     * nothing CNI ADD tells: the engine may run it while the plugins run.
     */
    void prepare(NetworkOps pod, VNic nic);

    /**
     * Makes the prepared port a port of {@code bridge} (as read before) with the guest's MTU, up; idempotent. Only once
     * the bridge serves: a port without carrier (a tap before QEMU attaches) takes the bridge's carrier
     * away, and with it the bridge's IPv6 link-local address and multicast route, which DHCPv6 and the
     * router advertisements need from their start.
     */
    void plug(NetworkOps pod, VNic nic, Link bridge, int mtu);

    /** The links {@link #prepare} makes for the vNIC named {@code nicName}: the engine removes them with its bridge, at once. */
    List<String> links(String nicName);

    String domainInterface(VNic nic, int mtu, DhcpBackend dhcp, DhcpServer server);

    /** What is wrong with the prepared port of a bound vNIC (for health checks); empty when nothing. */
    List<String> problems(NetworkOps pod, String nicName, String bridge);
}
