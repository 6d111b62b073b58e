package dev.podnic.cli.vmi;

import dev.podnic.binding.record.RecordStore;
import dev.podnic.cli.LongOptions;
import dev.podnic.cli.pod.LibvirtdCommand;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;

/** Where podnic keeps its records and DHCP state. */
public final class VmiOptions {
    // Each name and default once, for the picocli declaration and the start path alike.
    static final String STATE_DIR = "--state-dir";
    static final String STATE_DIR_DEFAULT = "/var/lib/podnic";
    static final String PROXY = "--proxy";
    static final String LIBVIRT_URI = "--libvirt-uri";

    @Option(names = STATE_DIR, paramLabel = "DIR", defaultValue = STATE_DIR_DEFAULT,
            description = "podnic's records (vmis/) and DHCP state (dhcp/) (default: ${DEFAULT-VALUE}).")
    Path stateDir;  // read by GuestBoot too

    @Option(names = PROXY, paramLabel = "SOCKET",
            description = "Request VMI interfaces from the node daemon at this socket (podnic node) instead of running "
                    + "the CNI plugins in this process.")
    Path proxy;

    @Option(names = LIBVIRT_URI, paramLabel = "URI",
            description = "libvirtd for the libvirt backend (default: the one `podnic pod libvirtd start` runs for the pod).")
    String libvirtUri;

    /** The long names above: what a start-path command line (dev.podnic.cli.StartPath) may give. */
    static final Set<String> NAMES = Set.of(STATE_DIR, PROXY, LIBVIRT_URI);

    /** These options read from a start-path command line, with the defaults declared above (VmiUpStartPathTest holds them equal). */
    static VmiOptions of(LongOptions o) {
        VmiOptions v = new VmiOptions();
        v.stateDir = Path.of(o.value(STATE_DIR, STATE_DIR_DEFAULT));
        String proxy = o.value(PROXY, null);
        v.proxy = proxy == null ? null : Path.of(proxy);
        v.libvirtUri = o.value(LIBVIRT_URI, null);
        return v;
    }

    String libvirtUri(Path podNetns) {
        return libvirtUri != null ? libvirtUri : LibvirtdCommand.defaultFor(podNetns).uri();
    }

    RecordStore records() {
        return new RecordStore(stateDir.resolve("vmis"));
    }

    Path dhcpDir() {
        return stateDir.resolve("dhcp");
    }
}
