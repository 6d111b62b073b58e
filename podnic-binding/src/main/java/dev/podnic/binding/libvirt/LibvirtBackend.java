package dev.podnic.binding.libvirt;

import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.DhcpServer;
import dev.podnic.binding.dhcp.RouterAdvertisements;
import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.plan.VNicPlan;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * DHCP through a libvirt network per vNIC (the seed's design), defined and started through
 * libvirt-java on the libvirtd that runs in the pod. The network creates the vNIC's bridge; the
 * domain's {@code <interface type='network'>} then plugs the VM into it.
 *
 * <p>IPv6: the network's dnsmasq serves DHCPv6 through the same options as IPv4; the network itself
 * declares no IPv6 address, because libvirt would then have its dnsmasq advertise the bridge as a
 * router. Router advertisements come from podnic-ra beside the network ({@link RouterAdvertisements}),
 * in the gateway's name — what libvirt cannot express.
 */
public final class LibvirtBackend implements DhcpBackend, AutoCloseable {
    private final String uri;
    private final VmNames vm;
    private final DhcpIsolation isolation;
    private final RouterAdvertisements advertisements;
    private Connect connection;

    /**
     * @param uri e.g. qemu:///system?socket=/run/podnic/libvirt/pod1/sock/libvirt-sock
     * @param vm  the VM whose vNICs it serves: names its networks, so networks of different VMs never collide
     */
    public LibvirtBackend(String uri, VmNames vm) {
        this(uri, vm, null);
    }

    /** @param isolation keeps DHCP from crossing the VMI interface (applied before a network starts, removed with it); null: none */
    public LibvirtBackend(String uri, VmNames vm, DhcpIsolation isolation) {
        this(uri, vm, isolation, null);
    }

    /** @param advertisements IPv6 router advertisements beside each network; null: IPv4 only (an IPv6 vNIC is refused) */
    public LibvirtBackend(String uri, VmNames vm, DhcpIsolation isolation, RouterAdvertisements advertisements) {
        this.uri = uri;
        this.vm = vm;
        this.isolation = isolation;
        this.advertisements = advertisements;
    }

    public String networkName(VNicPlan plan) {
        return vm.libvirtNetwork(plan.vmiInterface());
    }

    @Override
    public String name() {
        return "libvirt";
    }

    @Override
    public boolean createsBridge() {
        return true;
    }

    @Override
    public synchronized DhcpServer start(VNicPlan plan) {
        String name = networkName(plan);
        if (plan.guest().ipv6() != null && advertisements == null) {
            throw new DhcpException(plan.bridge() + " has an IPv6 address to serve, and this libvirt backend was made without "
                    + "router advertisements");
        }
        try {
            Network n = connect().networkDefineXML(LibvirtNetworkXml.render(plan, name));
            try {
                n.create();
            } catch (LibvirtException e) {
                n.undefine(); // a network that failed to start stays defined otherwise
                throw e;
            }
            if (isolation != null) {
                // Once the network made the bridge: a bridge-family table written before a namespace's first bridge
                // exists filters nothing on it (LibvirtBindingIT's rogue server heard the guests). Nothing crosses
                // meanwhile: the VMI interface becomes a port only after this.
                isolation.apply(plan);
            }
            if (advertisements != null) {
                advertisements.start(plan); // (nothing for an IPv4-only vNIC)
            }
            return new DhcpServer(name(), plan.bridge(), name);
        } catch (LibvirtException e) {
            throw new DhcpException("libvirt network " + name + " for " + plan.bridge() + ": " + e.getMessage());
        }
    }

    /** The network is defined, active and still owns the bridge. */
    @Override
    public synchronized boolean serves(DhcpServer server) {
        try {
            Network n = connect().networkLookupByName(server.ref());
            return n.isActive() == 1 && server.bridge().equals(n.getBridgeName())
                    && (advertisements == null || advertisements.serves(server.bridge()));
        } catch (LibvirtException e) {
            return false;
        }
    }

    @Override
    public synchronized void stop(DhcpServer server) {
        if (advertisements != null) {
            advertisements.stop(server.bridge());
        }
        remove(server.ref());
    }

    /**
     * Removes podnic networks (of any VM) that use {@code bridge}; they are what a crash left behind.
     * Also the bridge's DHCP isolation: every way down passes here.
     */
    @Override
    public synchronized void stopStray(String bridge) {
        if (advertisements != null) {
            advertisements.stop(bridge);
        }
        for (String name : podnicNetworks()) {
            try {
                if (bridge.equals(connect().networkLookupByName(name).getBridgeName())) {
                    remove(name);
                }
            } catch (LibvirtException e) {
                // gone meanwhile
            }
        }
        if (isolation != null) {
            isolation.remove(bridge);
        }
    }

    @Override
    public String domainInterface(VNic nic, DhcpServer server) {
        return DomainInterfaceXml.forNetwork(nic, server.ref());
    }

    /** The VM's networks (podnic-TAG-vmiN), each with the bridge it made. */
    @Override
    public synchronized List<DhcpServer> discover(VmNames someVm) {
        List<DhcpServer> out = new ArrayList<>();
        for (String network : podnicNetworks()) {
            if (someVm.vmiInterfaceOfNetwork(network).isPresent()) {
                String bridge = bridgeOf(network);
                if (bridge != null) {
                    out.add(new DhcpServer(name(), bridge, network));
                }
            }
        }
        return out;
    }

    /** Every network named podnic-*, running or only defined. */
    public synchronized List<String> podnicNetworks() {
        List<String> out = new ArrayList<>();
        try {
            for (String n : connect().listNetworks()) {
                if (n.startsWith(VmNames.LIBVIRT_PREFIX)) {
                    out.add(n);
                }
            }
            for (String n : connect().listDefinedNetworks()) {
                if (n.startsWith(VmNames.LIBVIRT_PREFIX)) {
                    out.add(n);
                }
            }
        } catch (LibvirtException e) {
            throw new DhcpException("cannot list libvirt networks at " + uri + ": " + e.getMessage());
        }
        return out;
    }

    /** The bridge of a libvirt network, or null when there is no such network. */
    public synchronized String bridgeOf(String network) {
        try {
            return connect().networkLookupByName(network).getBridgeName();
        } catch (LibvirtException e) {
            return null;
        }
    }

    private void remove(String name) {
        Network n;
        try {
            n = connect().networkLookupByName(name);
        } catch (LibvirtException notFound) {
            return;
        }
        try {
            if (n.isActive() == 1) {
                n.destroy();
            }
            n.undefine();
        } catch (LibvirtException e) {
            throw new DhcpException("cannot remove libvirt network " + name + ": " + e.getMessage());
        }
    }

    private Connect connect() throws LibvirtException {
        if (connection == null) {
            LibvirtErrors.quiet();
            connection = new Connect(uri);
        }
        return connection;
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (LibvirtException e) {
                // closing is best effort
            }
            connection = null;
        }
    }
}
