package dev.podnic.cli.vmi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingException;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.plan.GuestConfig;
import dev.podnic.cli.Json;
import dev.podnic.cli.LongOptions;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.inet.IpLiteral;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "up", description = "Wire every pod-network vNIC of the VM in FILE (see podnic validate). Safe to rerun.")
public final class VmiUp implements Callable<Integer> {
    // Each name and default once, for the picocli declaration and the start path alike.
    static final String POD_NETNS = "--pod-netns";
    static final String NET = "--net";
    static final String DHCP = "--dhcp";
    static final String DHCP_DEFAULT = "libvirt";
    static final String RESOLV_CONF = "--resolv-conf";
    static final String RESOLV_CONF_DEFAULT = "/etc/resolv.conf";
    static final String OUTPUT = "--output";
    static final String OUTPUT_DEFAULT = "text";
    static final String BOOT = "--boot";
    static final String PING = "--ping";
    static final String LINGER = "--linger";
    static final String LINGER_DEFAULT = "0";
    static final String WAIT = "--wait";
    static final String WAIT_DEFAULT = "120";
    static final String HOLD = "--hold";
    static final String GUEST_CACHE = "--guest-cache";
    static final String GUEST_CACHE_DEFAULT = "/var/cache/podnic/guest";

    @Parameters(paramLabel = "FILE", description = "The VM instance, YAML or JSON.")
    Path file;
    @Option(names = POD_NETNS, required = true, paramLabel = "PATH", description = "The libvirt pod's network namespace.")
    Path podNetns;
    @Option(names = NET, paramLabel = "NAME", description = "CNI network for the VMI interfaces (default: the first in --conf-dir, as the kubelet picks).")
    String network;
    @Option(names = DHCP, paramLabel = "BACKEND", defaultValue = DHCP_DEFAULT,
            description = "DHCP backend: libvirt (a libvirt network per vNIC, needs `podnic pod libvirtd start`) or dnsmasq "
                    + "(podnic runs dnsmasq itself) (default: ${DEFAULT-VALUE}).")
    String dhcp;
    @Option(names = RESOLV_CONF, paramLabel = "FILE", defaultValue = RESOLV_CONF_DEFAULT,
            description = "The pod's resolv.conf: DNS for guests when CNI gives none (default: ${DEFAULT-VALUE}).")
    Path resolvConf;
    @Option(names = {"-o", OUTPUT}, paramLabel = "FORMAT", defaultValue = OUTPUT_DEFAULT, description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;
    @Option(names = BOOT, description = "Also start the VM: the test guest (built from Debian packages on first use) as a "
            + "libvirt domain with these vNICs; it reports on its console what DHCP gave each NIC.")
    boolean boot;
    @Option(names = PING, split = ",", paramLabel = "IP[,IP...]", description = "With --boot: addresses the guest pings.")
    List<String> pings = new java.util.ArrayList<>();
    @Option(names = LINGER, paramLabel = "SECONDS", defaultValue = LINGER_DEFAULT,
            description = "With --boot: the guest stays up this long after its report, e.g. to be pinged (default: ${DEFAULT-VALUE}).")
    int linger;
    @Option(names = WAIT, paramLabel = "SECONDS", defaultValue = WAIT_DEFAULT,
            description = "With --boot: wait this long for the guest's report and print it; 0 returns at once (default: ${DEFAULT-VALUE}).")
    int waitSeconds;
    @Option(names = HOLD, description = "Stay running once up, and release everything (as `podnic vmi down`) on "
            + "SIGTERM or Ctrl-C: the launcher pod's main process.")
    boolean hold;
    @Option(names = GUEST_CACHE, paramLabel = "DIR", defaultValue = GUEST_CACHE_DEFAULT,
            description = "Where the test guest image is built and kept (default: ${DEFAULT-VALUE}).")
    Path guestCache;
    @Mixin CniOptions cni;
    @Mixin VmiOptions vmiOptions;
    @Spec CommandSpec spec;

    /** The long names above: what a start-path command line (dev.podnic.cli.StartPath) may give. */
    static final LongOptions.Declared DECLARED = new LongOptions.Declared(LongOptions.Declared.names(Set.of(POD_NETNS, NET,
            DHCP, RESOLV_CONF, OUTPUT, PING, LINGER, WAIT, GUEST_CACHE), CniOptions.NAMES, VmiOptions.NAMES),
            LongOptions.Declared.names(Set.of(PING), CniOptions.REPEATABLE), Set.of(BOOT, HOLD), 1);

    /**
     * `vmi up` from a start-path command line (StartPath; the launcher pod's is one), with the defaults
     * declared above (VmiUpStartPathTest holds them equal); empty: picocli reads it.
     */
    public static Optional<Callable<Integer>> startPath(List<String> args, PrintWriter out, PrintWriter err) {
        return options(args).map(up -> () -> up.up(out, err));
    }

    static Optional<VmiUp> options(List<String> args) {
        try {
            return LongOptions.parse(args, DECLARED).map(VmiUp::of);
        } catch (LongOptions.NotHere e) {
            return Optional.empty();
        }
    }

    private static VmiUp of(LongOptions o) {
        VmiUp up = new VmiUp();
        up.file = Path.of(o.positional(0));
        String podNetns = o.value(POD_NETNS, null);
        if (podNetns == null) {
            throw new LongOptions.NotHere(POD_NETNS + " is required");
        }
        up.podNetns = Path.of(podNetns);
        up.network = o.value(NET, null);
        up.dhcp = o.value(DHCP, DHCP_DEFAULT);
        up.resolvConf = Path.of(o.value(RESOLV_CONF, RESOLV_CONF_DEFAULT));
        up.output = o.value(OUTPUT, OUTPUT_DEFAULT);
        up.boot = o.flag(BOOT);
        for (String v : o.values(PING)) {
            up.pings.addAll(List.of(v.split(",")));
        }
        up.linger = o.intValue(LINGER, LINGER_DEFAULT);
        up.waitSeconds = o.intValue(WAIT, WAIT_DEFAULT);
        up.hold = o.flag(HOLD);
        up.guestCache = Path.of(o.value(GUEST_CACHE, GUEST_CACHE_DEFAULT));
        up.cni = CniOptions.of(o);
        up.vmiOptions = VmiOptions.of(o);
        return up;
    }

    @Override
    public Integer call() throws Exception {
        return up(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    private int up(PrintWriter out, PrintWriter err) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        if (!Files.exists(podNetns)) {
            throw new UserError("--pod-netns " + podNetns + ": no such network namespace");
        }
        VmiSpec vmi = new VmiParser().parse(Files.readAllBytes(file), file.toString());
        try (Pod pod = new Pod(cni, vmiOptions, network, podNetns, dhcp, resolvConf, VmNames.of(vmi))) {
            List<BoundVNic> bound;
            try {
                bound = pod.engine.up(vmi);
            } catch (BindingException e) {
                throw new UserError(e.getMessage() + "\n(what was done is recorded: rerun up to finish, or run podnic vmi down "
                        + vmi.name() + " -n " + vmi.namespace() + " to undo it)");
            }
            if (output.equals("json")) {
                ArrayNode arr = new ObjectMapper().createArrayNode();
                bound.forEach(b -> arr.add(json(b)));
                out.println(Json.pretty(arr));
            } else {
                bound.forEach(b -> text(out, b));
            }
            if (boot) {
                new GuestBoot(err, out).boot(vmi, bound, pod.engine, vmiOptions, podNetns, guestCache,
                        pings, linger, waitSeconds);
            }
        }
        if (hold) {
            hold(vmi, out, err);
        }
        return 0;
    }

    /** Blocks until the JVM is asked to stop; the shutdown hook releases before it may exit. */
    private void hold(VmiSpec vmi, PrintWriter out, PrintWriter err) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println(vmi.namespace() + "/" + vmi.name() + ": stopping, releasing its vNICs");
            try {
                vmiOptions.records().load(vmi.namespace(), vmi.name())
                        .ifPresent(rec -> err.println(vmi.namespace() + "/" + vmi.name() + ": "
                                + VmiDown.release(cni, vmiOptions, rec).summary()));
                err.flush();
            } catch (RuntimeException e) {
                err.println(vmi.namespace() + "/" + vmi.name() + ": release failed (the node daemon frees the attachments once "
                        + "the pod is gone): " + e.getMessage());
                err.flush();
            }
        }, "podnic-release"));
        out.println(vmi.namespace() + "/" + vmi.name() + ": up; holding until SIGTERM");
        out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }

    private static ObjectNode json(BoundVNic b) {
        VNic n = b.plan().vnic();
        GuestConfig g = b.plan().guest();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("name", n.name()).put("mac", n.mac().toString()).put("model", n.model().libvirtName())
                .put("vmiInterface", n.vmiInterface()).put("bridge", b.plan().bridge()).put("address", g.address() == null ? null : g.address().toString())
                .put("gateway", g.gateway() == null ? null : g.gateway().getHostAddress()).put("mtu", g.mtu())
                .put("dhcpBackend", b.dhcp().backend()).put("dhcp", b.dhcp().ref()).put("domainInterfaceXml", b.domainInterface());
        if (g.ipv6() != null) {
            o.put("address6", g.ipv6().address().toString()).put("prefixOnLink", g.ipv6().onLink())
                    .put("router6", g.ipv6().router() == null ? null : IpLiteral.format(g.ipv6().router()));
        }
        ArrayNode routes = o.putArray("routes");
        g.routes().forEach(r -> routes.add(r.toString()));
        ArrayNode dns = o.putArray("dns");
        g.dnsServers().forEach(d -> dns.add(d.getHostAddress()));
        o.put("cniMillis", round(b.cniMillis())).put("podnicMillis", round(b.podnicMillis())).put("dhcpMillis", round(b.dhcpMillis()));
        return o;
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }

    private static void text(PrintWriter out, BoundVNic b) {
        VNic n = b.plan().vnic();
        GuestConfig g = b.plan().guest();
        out.printf("vNIC %s  %s  %s%n", n.name(), n.mac(), n.model().libvirtName());
        out.printf("  VMI interface  %s on bridge %s%n", n.vmiInterface(), b.plan().bridge());
        out.printf("  address        %s%n", g.address() == null ? "- (IPv6 only)" : g.address());
        out.printf("  gateway        %s%n", g.gateway() == null ? "-" : g.gateway().getHostAddress());
        if (g.ipv6() != null) {
            out.printf("  IPv6 address   %s (prefix %s)%n", g.ipv6().address(), g.ipv6().onLink() ? "on-link" : "routed via the gateway");
            out.printf("  IPv6 router    %s%n", g.ipv6().router() == null
                    ? "- (the gateway's link-local address is unknown: no default route advertised)"
                    : IpLiteral.format(g.ipv6().router()) + " (the gateway " + (g.ipv6().gateway() == null ? "?"
                    : IpLiteral.format(g.ipv6().gateway())) + ")");
        }
        out.printf("  routes         %s%n", g.routes().stream().map(Object::toString).collect(Collectors.joining(", ")));
        out.printf("  MTU            %d%n", g.mtu());
        out.printf("  DNS            %s%n", g.dnsServers().isEmpty() ? "-"
                : g.dnsServers().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ")));
        out.printf("  DHCP           %s (%s)%n", b.dhcp().backend(), b.dhcp().ref());
        out.printf("  took           CNI ADD %.1f ms, podnic %.1f ms, DHCP start %.1f ms%n", b.cniMillis(), b.podnicMillis(), b.dhcpMillis());
        out.println("  domain XML");
        b.domainInterface().lines().forEach(l -> out.println("    " + l));
    }
}
