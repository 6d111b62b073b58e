package dev.podnic.kubevirt.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.api.NicModel;
import dev.podnic.api.VNic;
import dev.podnic.api.VmNames;
import dev.podnic.api.VmiSpec;
import dev.podnic.binding.apply.BindingException;
import dev.podnic.binding.apply.BoundVNic;
import dev.podnic.binding.apply.VmiHealth;
import dev.podnic.binding.dhcp.DhcpIsolation;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.dhcp.server.InProcessDhcpBackend;
import dev.podnic.binding.port.OwnedTap;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.skel.CmdArgs;
import dev.podnic.cni.skel.CniPlugin;
import dev.podnic.cni.skel.PluginOutput;
import dev.podnic.cni.skel.PluginSkel;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.node.api.CniCallWire;
import dev.podnic.node.api.CniCallWire.CniAnswer;
import dev.podnic.node.api.CniCallWire.CniCall;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.server.AttachmentRequest;
import dev.podnic.node.server.NodeServer;
import dev.podnic.node.server.NodeService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node daemon's side of podnic's KubeVirt binding, a CNI plugin behind podnic-shim: the calls
 * Multus makes (ADD, DEL, CHECK, STATUS, GC, VERSION) arrive on the binding socket, are decoded once
 * ({@link CniCallWire}, then {@link PluginSkel}) and drive the binding engine from the host side for
 * one vNIC per call — the VMI interface from the daemon's own {@link NodeService} (so its ledger and
 * GC free it when the pod vanishes), strip, bridge, the daemon's own DHCP server on the bridge for
 * whichever client asks there (the MAC is not known yet; {@link DhcpIsolation} keeps the cluster
 * side out; see {@link InProcessDhcpBackend}), and a tap QEMU may attach to unprivileged
 * ({@link OwnedTap}). The attachments themselves, their locks, and their GC and DHCP resume are
 * {@link HostAttachments}'.
 *
 * <p>Who may call: root in the node's own network namespace (Multus), nobody in a pod.
 */
public final class HostBinding implements NodeServer.Protocol {
    /** The versions podnic-shim answers VERSION with (podnic's CNI runtime converts results between them). */
    public static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a pod's resolv.conf is found on the node, by sandbox (CNI_CONTAINERID). */
    @FunctionalInterface
    public interface SandboxFiles {
        Path resolvConf(String containerId);
    }

    private final NodeService service;
    private final HostAttachments attachments;
    private final NetnsIdentity node;
    private final SandboxFiles sandboxes;
    private final Consumer<String> log;
    private final PluginSkel skel = new PluginSkel(new Plugin(), VERSIONS);
    /** Where each bound vNIC's line is written, in order, beside the answer. */
    private final java.util.concurrent.Executor logging = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "podnic-binding-log");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param state       where the attachments' records, lease files and logs are kept
     * @param dnsmasq     what stops the dnsmasq of attachments an earlier podnic made
     * @param dhcpServers the daemon's DHCP servers (it closes them as it stops)
     * @param node        the daemon's own network namespace: only callers there (Multus) are served
     * @param log         one line per freed or refused attachment, for the daemon's log
     */
    public HostBinding(NodeService service, BindingStateDirs state, Path dnsmasq, DhcpServers dhcpServers, int qemuUid, NetnsIdentity node,
                       SandboxFiles sandboxes, Consumer<String> log) {
        this(service, new HostAttachments(service, state, dnsmasq, dhcpServers, qemuUid, log), node, sandboxes, log);
    }

    /** With the attachments given (tests: a DEL's links left unremoved, as a kill would leave them). */
    HostBinding(NodeService service, HostAttachments attachments, NetnsIdentity node, SandboxFiles sandboxes, Consumer<String> log) {
        this.service = service;
        this.attachments = attachments;
        this.node = node;
        this.sandboxes = sandboxes;
        this.log = log;
    }

    /** The attachments on disk: the daemon's GC and DHCP resume at start-up and on its period. */
    public HostAttachments attachments() {
        return attachments;
    }

    @Override
    public boolean lineFramed() {
        return false;
    }

    /** Multus runs every pod's delegates from the node's namespace: a limit per caller would be one for the node. */
    @Override
    public int perCaller() {
        return Integer.MAX_VALUE;
    }

    @Override
    public byte[] refusal(NodeError error) {
        return fail("1.0.0", error.code(), error.msg());
    }

    /**
     * The socket's edge: who may call is checked, the call decoded ({@link CniCallWire}) and handed to
     * the skel, which answers VERSION and dispatches the rest, typed, to {@link Plugin}.
     */
    @Override
    public byte[] serve(Caller caller, byte[] request) {
        if (caller.credentials().uid() != 0 || !caller.netns().equals(node)) {
            return fail("1.0.0", NodeError.FORBIDDEN, "podnic's binding socket serves the container runtime (root in the "
                    + "node's network namespace) only; " + caller + " is not");
        }
        CniCall call;
        try {
            call = CniCallWire.readCall(request);
        } catch (NodeWire.MalformedException e) {
            return fail("1.0.0", e.error().code(), e.getMessage());
        }
        PluginOutput out = skel.call(call.env(), call.config());
        AttachStep.reached("binding answered");
        return CniCallWire.answer(new CniAnswer(out.exitCode(), out.stdout()));
    }

    /** The binding's commands, typed; the engine's failures become the CNI error underneath them, once. */
    private final class Plugin implements CniPlugin {
        @Override
        public CniResult add(CmdArgs args) {
            return translated(() -> HostBinding.this.add(BindingCall.read("ADD", args)));
        }

        @Override
        public void del(CmdArgs args) {
            translated(() -> {
                HostBinding.this.del(BindingCall.read("DEL", args));
                return null;
            });
        }

        @Override
        public void check(CmdArgs args) {
            translated(() -> {
                HostBinding.this.check(BindingCall.read("CHECK", args));
                return null;
            });
        }

        /** CNI 1.1: whether an ADD could be served now; 50 ("plugin not available") says why not. */
        @Override
        public void status(CmdArgs args) {
            Optional<String> problem = service.networkProblem(args.config().path("network").asText(""));
            if (problem.isPresent()) {
                throw new CniException(CniError.PLUGIN_NOT_AVAILABLE, problem.get());
            }
        }

        @Override
        public void gc(CmdArgs args) {
            Set<String> valid = new java.util.HashSet<>();
            for (JsonNode a : args.config().path("cni.dev/valid-attachments")) {
                valid.add(a.path("containerID").asText() + "-" + a.path("ifname").asText());
            }
            attachments.keepOnly(valid);
        }

        /** The step that failed names the vNIC; the code is the CNI error underneath, when there is one. */
        private <T> T translated(java.util.function.Supplier<T> work) {
            try {
                return work.get();
            } catch (BindingException e) {
                throw new CniException(e.cniError().orElse(new CniError(CniError.GENERIC, e.getMessage(), "")), e.getMessage(), e);
            }
        }
    }

    /** A vNIC bound, and how long the node's plugins ran for it. */
    private record Booked(BoundVNic vnic, java.time.Duration plugins) {
    }

    /** A failed ADD leaves nothing behind: what it made is undone before the error is answered. */
    private CniResult add(BindingCall c) {
        long t0 = System.nanoTime();
        synchronized (lock(c)) {
            AttachStep.reached(AttachStep.BINDING_ADD);
            Booked booked = withPod(c, true, (engine, adopted, service) -> {
                try {
                    BoundVNic up = engine.up(spec(c, adopted)).get(0);
                    service.settle();
                    return new Booked(up, service.plugins());
                } catch (RuntimeException e) {
                    try {
                        engine.down(c.podNamespace(), c.key(), Optional.empty());
                        AttachmentDirs.delete(attachments.dir(c.key()));
                    } catch (RuntimeException undo) {
                        e.addSuppressed(undo); // the runtime's DEL tries again
                    }
                    throw e;
                }
            });
            // Booked honestly: everything but the plugins' runs is podnic's, every record and ledger write included.
            BoundVNic bound = booked.vnic();
            double all = (System.nanoTime() - t0) / 1e6;
            double plugins = booked.plugins().toNanos() / 1e6;
            double attaching = bound.cniMillis() - plugins; // around the plugins: the ledger's entries, the service's checks
            // Written as the ADD is answered, not before (formatting and writing the line cost the answer ~0.5 ms).
            logging.execute(() -> log.accept(String.format(java.util.Locale.ROOT, "bound %s (network %s) in pod %s/%s: %s in %.1f ms "
                            + "(plugins %.1f ms, podnic %.1f ms = attaching %.1f + pod work %.1f + DHCP %.1f + opening the pod and the rest %.1f)",
                    bound.plan().vnic().vmiInterface(), c.logicNetwork(), c.podNamespace(), c.podName(),
                    bound.plan().guest().addresses(), all, plugins, all - plugins, attaching, bound.podnicMillis(), bound.dhcpMillis(),
                    all - plugins - attaching - bound.podnicMillis() - bound.dhcpMillis())));
            return bound.cniResult();
        }
    }

    /**
     * DEL as the spec wants it: idempotent, and it works when the pod's namespace is already gone. The
     * attachment is found by what the spec guarantees (container ID and interface name) and undone from
     * its own record, so a DEL without CNI_ARGS or CNI_NETNS frees it all the same.
     */
    private void del(BindingCall c) {
        synchronized (lock(c)) {
            Path dir = attachments.dir(c.key());
            if (Files.isDirectory(dir)) { // else never added, or deleted before
                attachments.delete(dir, "deleted by the runtime (DEL)");
            }
        }
    }

    private void check(BindingCall c) {
        VmiHealth health = withPod(c, false, (engine, adopted, service) -> engine.health(c.podNamespace(), c.key()))
                .orElseThrow(() -> new CniException(CniError.UNKNOWN_CONTAINER, c.ifName() + " (" + c.logicNetwork()
                        + ") of " + c.containerId() + " is not attached"));
        if (!health.healthy()) {
            throw new CniException(CniError.GENERIC, String.join("; ", health.problems().values().stream()
                    .flatMap(List::stream).toList()));
        }
    }

    /**
     * The engine for one call, acting in the pod's namespace from here; what it opened is closed after.
     * An ADD's VMI interface is asked of the service as the pod is opened (see {@link AddAhead}).
     */
    private <T> T withPod(BindingCall c, boolean adding, HostAttachments.Work<T> work) {
        Path netns = c.netns().orElseThrow(() -> new CniException(CniError.INVALID_ENVIRONMENT, "CNI_NETNS is required"));
        Path dir = attachments.dir(c.key());
        Optional<AttachmentRequest> ahead = adding ? Optional.of(ServiceAttacher.addRequest(netns, VmNames.of(c.identity()),
                spec(c, Optional.empty()).nics().get(0).vmiInterface(), c.network())) : Optional.empty();
        return attachments.withPod(netns, emptyToNull(c.podUid()), dir, c.network(), c.logicNetwork(), adding, work, resolvConf(c, dir),
                ahead);
    }

    /**
     * One vNIC, named after the VM's network (the sidecar finds its tap by that name). On the pod
     * network podnic adds {@code vmi<N>} through the node's CNI (the pod's eth0 stays the pod's); on a
     * Multus network it takes over the interface Multus attached for it.
     */
    private static VmiSpec spec(BindingCall c, Optional<String> adopted) {
        VmNames names = VmNames.of(c.identity());
        return new VmiSpec(c.podNamespace(), c.key(), c.identity(), VmiSpec.Form.KUBEVIRT, List.of(
                new VNic(c.index(), c.logicNetwork(), names.defaultMac(c.index()), true, NicModel.VIRTIO, adopted.orElse(null))));
    }

    /**
     * The guest's DNS when CNI gives none: the pod's own resolv.conf where the container runtime
     * keeps it, else the configuration's {@code dns} (nameservers, search), else none (no file: a
     * missing resolv.conf reads as empty, and writing an empty one cost every such ADD ~0.5 ms).
     */
    private Path resolvConf(BindingCall c, Path dir) {
        Path sandbox = sandboxes.resolvConf(c.containerId());
        if (Files.isReadable(sandbox)) {
            return sandbox;
        }
        JsonNode dns = c.config().path("dns");
        StringBuilder text = new StringBuilder();
        dns.path("nameservers").forEach(n -> text.append("nameserver ").append(n.asText()).append('\n'));
        if (dns.path("search").size() > 0) {
            text.append("search");
            dns.path("search").forEach(s -> text.append(' ').append(s.asText()));
            text.append('\n');
        }
        Path file = dir.resolve("resolv.conf");
        try {
            if (text.isEmpty()) {
                Files.deleteIfExists(file); // (one an earlier ADD of the attachment wrote)
                return file;
            }
            Files.createDirectories(dir);
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private Object lock(BindingCall c) {
        return attachments.lock(c.key());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static byte[] fail(String version, int code, String msg) {
        ObjectNode e = JSON.createObjectNode().put("cniVersion", version).put("code", code).put("msg", msg);
        return CniCallWire.answer(new CniAnswer(1, (e + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
