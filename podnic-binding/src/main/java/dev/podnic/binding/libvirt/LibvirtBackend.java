package dev.podnic.binding.libvirt;

import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.binding.dhcp.DhcpServer;
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
 */
public final class LibvirtBackend implements DhcpBackend, AutoCloseable {
    /** Every libvirt network podnic defines is named podnic-&lt;VM hash&gt;-&lt;VMI interface&gt;. */
    public static final String PREFIX = "podnic-";

    private final String uri;
    private final String vmTag;
    private Connect connection;

    /**
     * @param uri   e.g. qemu:///system?socket=/run/podnic/libvirt/pod1/sock/libvirt-sock
     * @param vmTag a short tag of the VM's identity, so networks of different VMs never collide
     */
    public LibvirtBackend(String uri, String vmTag) {
        this.uri = uri;
        this.vmTag = vmTag;
    }

    /** A short, stable tag of a VM identity for network names: 8 hex digits of its SHA-256. */
    public static String tagFor(String identity) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String networkName(VNicPlan plan) {
        return PREFIX + vmTag + "-" + plan.vmiInterface();
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
        try {
            Network n = connect().networkDefineXML(LibvirtNetworkXml.render(plan, name));
            try {
                n.create();
            } catch (LibvirtException e) {
                n.undefine(); // a network that failed to start stays defined otherwise
                throw e;
            }
            return new DhcpServer(name(), plan.bridge(), name);
        } catch (LibvirtException e) {
            throw new DhcpException("libvirt network " + name + " for " + plan.bridge() + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void stop(DhcpServer server) {
        remove(server.ref());
    }

    /** Removes podnic networks (of any VM) that use {@code bridge}; they are what a crash left behind. */
    @Override
    public synchronized void stopStray(String bridge) {
        for (String name : podnicNetworks()) {
            try {
                if (bridge.equals(connect().networkLookupByName(name).getBridgeName())) {
                    remove(name);
                }
            } catch (LibvirtException e) {
                // gone meanwhile
            }
        }
    }

    /** Every network named podnic-*, running or only defined. */
    public synchronized List<String> podnicNetworks() {
        List<String> out = new ArrayList<>();
        try {
            for (String n : connect().listNetworks()) {
                if (n.startsWith(PREFIX)) {
                    out.add(n);
                }
            }
            for (String n : connect().listDefinedNetworks()) {
                if (n.startsWith(PREFIX)) {
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
