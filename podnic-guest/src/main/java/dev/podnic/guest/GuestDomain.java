package dev.podnic.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import dev.podnic.binding.libvirt.LibvirtErrors;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The test guest as a transient libvirt domain: the image booted directly (kernel + initramfs),
 * the vNICs' {@code <interface>} elements as the binding produced them, the serial console into a
 * file. Type {@code qemu} (TCG) unless KVM is asked for, see {@link #kvmUsable()}.
 */
public final class GuestDomain implements AutoCloseable {
    private final Connect connection;
    private final Domain domain;
    private final Path console;

    private GuestDomain(Connect connection, Domain domain, Path console) {
        this.connection = connection;
        this.domain = domain;
        this.console = console;
    }

    public static String xml(String name, GuestImage image, List<String> interfaces, List<String> pings, Path console, boolean kvm) {
        return xml(name, image, interfaces, pings, 0, console, kvm);
    }

    /** @param lingerSeconds how long the guest stays up after its report (0: powers off at once) */
    public static String xml(String name, GuestImage image, List<String> interfaces, List<String> pings, int lingerSeconds,
                             Path console, boolean kvm) {
        return xml(name, image, interfaces, pings, lingerSeconds, console, kvm, false);
    }

    /** @param ipv6 the guest also asks for IPv6 on every NIC (router advertisements and DHCPv6, by dhcpcd) */
    public static String xml(String name, GuestImage image, List<String> interfaces, List<String> pings, int lingerSeconds,
                             Path console, boolean kvm, boolean ipv6) {
        StringBuilder x = new StringBuilder();
        x.append("<domain type='").append(kvm ? "kvm" : "qemu").append("'>\n");
        x.append("  <name>").append(name).append("</name>\n");
        x.append("  <memory unit='MiB'>256</memory>\n  <vcpu>1</vcpu>\n");
        x.append("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
        x.append("    <kernel>").append(image.kernel()).append("</kernel>\n");
        x.append("    <initrd>").append(image.initrd()).append("</initrd>\n");
        x.append("    <cmdline>console=ttyS0 quiet panic=-1")
                .append(pings.isEmpty() ? "" : " podnic.ping=" + String.join(",", pings))
                .append(lingerSeconds > 0 ? " podnic.linger=" + lingerSeconds : "").append(ipv6 ? " podnic.ipv6=1" : "")
                .append("</cmdline>\n  </os>\n");
        x.append("  <features><acpi/></features>\n");
        x.append("  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>\n");
        x.append("  <devices>\n");
        for (String i : interfaces) {
            i.lines().forEach(l -> x.append("    ").append(l).append('\n'));
        }
        x.append("    <serial type='file'><source path='").append(console).append("'/><target port='0'/></serial>\n");
        x.append("  </devices>\n</domain>\n");
        return x.toString();
    }

    /**
     * Whether to use hardware virtualisation: only when asked (PODNIC_GUEST_KVM=1) and /dev/kvm is
     * there. On this project's VMs /dev/kvm exists but a KVM guest hangs in the kernel (nested
     * virtualisation), so TCG is the default; the test guest boots in a few seconds under TCG.
     */
    public static boolean kvmUsable() {
        Path kvm = Path.of("/dev/kvm");
        return "1".equals(System.getenv("PODNIC_GUEST_KVM")) && Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    /** Starts a transient domain from {@code xml} on the libvirtd at {@code uri}. */
    public static GuestDomain boot(String uri, String xml, Path console) throws LibvirtException {
        LibvirtErrors.quiet();
        Connect c = new Connect(uri);
        try {
            return new GuestDomain(c, c.domainCreateXML(xml, 0), console);
        } catch (LibvirtException e) {
            c.close();
            throw e;
        }
    }

    /** Waits until the guest reported PODNIC-DONE (or the time is up) and returns what it reported. */
    public ConsoleReport await(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(console)) {
                ConsoleReport r = ConsoleReport.parse(Files.readString(console));
                if (r.done()) {
                    return r;
                }
            }
            Thread.sleep(100);
        }
        return ConsoleReport.parse(Files.exists(console) ? Files.readString(console) : "");
    }

    /** Leaves the domain running and closes only the connection (a command that started it exits). */
    public void release() {
        try {
            connection.close();
        } catch (LibvirtException e) {
            // best effort
        }
    }

    /** Destroys the domain if it still runs (QEMU ends with it). */
    @Override
    public void close() {
        try {
            if (domain.isActive() == 1) {
                domain.destroy();
            }
        } catch (LibvirtException e) {
            // already gone: on_poweroff destroy did it
        }
        try {
            connection.close();
        } catch (LibvirtException e) {
            // best effort
        }
    }
}
