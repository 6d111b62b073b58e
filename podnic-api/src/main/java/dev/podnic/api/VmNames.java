package dev.podnic.api;

import dev.podnic.inet.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where names are derived from a VM's identity (its uid, else namespace/name): default
 * MACs, the CNI container ID, the short tag, libvirt network and domain names; and the per-vNIC
 * names (VMI interface, bridge). Every derivation is a SHA-256 of the identity, so the same VM gets
 * the same names on every run and every node, and two VMs never share one.
 */
public final class VmNames {
    /** Every libvirt object podnic defines (networks, domains) starts with this. */
    public static final String LIBVIRT_PREFIX = "podnic-";
    private static final String BRIDGE_PREFIX = "pdnbr-";
    private static final String VMI_INTERFACE_PREFIX = "vmi";
    private static final String TAP_PREFIX = "pdntap";
    private static final Pattern VMI_INTERFACE = Pattern.compile("vmi([0-9]{1,3})");

    private final String identity;
    private final String tag;

    private VmNames(String identity) {
        this.identity = identity;
        this.tag = HexFormat.of().formatHex(sha256(identity), 0, 4);
    }

    public static VmNames of(String identity) {
        if (identity == null || identity.isEmpty()) {
            throw new IllegalArgumentException("a VM's identity must not be empty");
        }
        return new VmNames(identity);
    }

    public static VmNames of(VmiSpec vmi) {
        return of(vmi.identity());
    }

    public String identity() {
        return identity;
    }

    /** 8 hex digits: short enough for libvirt names, long enough to tell a node's VMs apart. */
    public String tag() {
        return tag;
    }

    /**
     * The CNI container ID of the VM's attachments when podnic runs the plugins itself: never the
     * pod's own (the kubelet's) nor another VM's, the same on every run.
     */
    public String containerId() {
        return "podnic-" + HexFormat.of().formatHex(sha256(identity), 0, 12);
    }

    /**
     * The container ID the node daemon uses: keyed by the caller's network namespace (device and
     * inode, as the kernel reported them) as well, so no pod can name another pod's attachment.
     */
    public String containerIdInNetns(long netnsDev, long netnsIno) {
        return "podnic-" + HexFormat.of().formatHex(sha256(netnsDev + ":" + netnsIno + "/" + identity), 0, 12);
    }

    /**
     * A MAC for vNIC {@code index} when the spec names none: locally administered (bit 1 of the first
     * byte set) and unicast (bit 0 clear).
     */
    public MacAddress defaultMac(int index) {
        byte[] mac = Arrays.copyOf(sha256(identity + "/" + index), 6);
        mac[0] = (byte) ((mac[0] & 0xfc) | 0x02);
        return new MacAddress(mac);
    }

    /** The libvirt domain podnic starts for the VM. */
    public String domain() {
        return LIBVIRT_PREFIX + tag;
    }

    /** The libvirt network serving the VM's vNIC on {@code vmiInterface}. */
    public String libvirtNetwork(String vmiInterface) {
        return LIBVIRT_PREFIX + tag + "-" + vmiInterface;
    }

    /** The VMI interface a libvirt network of this VM serves; empty for any other network. */
    public Optional<String> vmiInterfaceOfNetwork(String libvirtNetwork) {
        String prefix = LIBVIRT_PREFIX + tag + "-";
        if (!libvirtNetwork.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = libvirtNetwork.substring(prefix.length());
        return VMI_INTERFACE.matcher(rest).matches() ? Optional.of(rest) : Optional.empty();
    }

    /** The pod interface CNI creates for vNIC {@code index}. */
    public static String vmiInterface(int index) {
        return VMI_INTERFACE_PREFIX + index;
    }

    /** The index of a VMI interface name, or empty when it is not one. */
    public static Optional<Integer> vmiIndex(String name) {
        Matcher m = VMI_INTERFACE.matcher(name);
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** The bridge joining a VMI interface and the VM's NIC. */
    public static String bridge(String vmiInterface) {
        return BRIDGE_PREFIX + vmiInterface;
    }

    /**
     * The tap a VM's NIC attaches to where podnic prepares it (the KubeVirt binding): from the
     * vNIC's name (KubeVirt's interface and network name), so that the daemon that makes it and the
     * sidecar that writes the domain agree without talking. At most 15 characters, as the kernel wants.
     */
    public static String tap(String vnicName) {
        return TAP_PREFIX + HexFormat.of().formatHex(sha256(vnicName), 0, 5).substring(0, 9);
    }

    /**
     * KubeVirt's name for the pod interface of a VM's Multus network (its namescheme's
     * GenerateHashedInterfaceName): {@code pod} and the first 11 hex digits of the network name's SHA-256.
     */
    public static String kubevirtPodInterface(String network) {
        return "pod" + HexFormat.of().formatHex(sha256(network), 0, 6).substring(0, 11);
    }

    /** The VMI interface a bridge of podnic's joins, or empty when it is not one. */
    public static Optional<String> vmiInterfaceOfBridge(String bridge) {
        if (!bridge.startsWith(BRIDGE_PREFIX)) {
            return Optional.empty();
        }
        String rest = bridge.substring(BRIDGE_PREFIX.length());
        return vmiIndex(rest).map(i -> rest);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return identity;
    }
}
