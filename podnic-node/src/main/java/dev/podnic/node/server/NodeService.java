package dev.podnic.node.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The node daemon's attachments, as a Java API: ADD, DEL, CHECK and LIST of a caller's VMI
 * interfaces, RELEASE of a VM's, and GC (done by {@link LedgerCollector}) — typed requests in,
 * results out, refusals and failures as {@link CniException}s carrying the code to answer. No bytes here: the daemon's sockets decode and
 * encode at their edge ({@link LauncherRequests}, {@link NodeAdmin}, the KubeVirt binding), and the
 * binding calls this directly, with the caller the kernel proved.
 *
 * <p>A caller acts only in its own network namespace and only on VMI interfaces; the container ID is
 * derived here from the caller's namespace and the VM's identity, so no caller can name another pod's
 * attachment. Every attachment is in the durable ledger before its plugins run. Every call is counted
 * in the metrics, and every refusal logged, whoever made it.
 */
public final class NodeService {
    private static final Pattern VMI_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,252}");

    /** containerd and CRI-O pin pod network namespaces here (iproute2's `ip netns` too). */
    public static final Path DEFAULT_NETNS_DIR = Path.of("/var/run/netns");

    private final Path netnsDir;
    private final CniRuntime cni;
    private final NetworkConfigs configs;
    private final String defaultNetwork;
    private final Ledger ledger;
    private final ObjectMapper json = new ObjectMapper();
    private final KeyedLocks locks = new KeyedLocks();
    private final NodeMetrics metrics;
    private final PodInterfaces interfaces;
    private final Limits limits;
    private final java.util.function.Consumer<String> refusals;
    private final LedgerCollector collector;
    /** The ledger's side of every ADD (ADDING before the plugins, ADDED after). */
    private final LedgeredAdd adds;

    public NodeService(CniRuntime cni, ConfigDirectory configs, String defaultNetwork, Ledger ledger) {
        this(cni, configs, defaultNetwork, ledger, DEFAULT_NETNS_DIR);
    }

    /** @param netnsDir where the container runtime pins pod namespaces; a caller that sends no netns path is found there */
    public NodeService(CniRuntime cni, ConfigDirectory configs, String defaultNetwork, Ledger ledger, Path netnsDir) {
        this(cni, configs, defaultNetwork, ledger, netnsDir, Limits.defaults(defaultNetwork), refusal -> { });
    }

    /**
     * @param limits   what one pod may ask for
     * @param refusals told of every refused request, in one line (for the daemon's log)
     */
    public NodeService(CniRuntime cni, ConfigDirectory configs, String defaultNetwork, Ledger ledger, Path netnsDir, Limits limits,
                       java.util.function.Consumer<String> refusals) {
        this(cni, configs, defaultNetwork, ledger, netnsDir, limits, refusals, PodInterfaces.KERNEL);
    }

    NodeService(CniRuntime cni, ConfigDirectory configs, String defaultNetwork, Ledger ledger, Path netnsDir, Limits limits,
                java.util.function.Consumer<String> refusals, PodInterfaces interfaces) {
        this(cni, configs, defaultNetwork, ledger, netnsDir, limits, refusals, interfaces, Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "podnic-ledger");
            t.setDaemon(true);
            return t;
        }));
    }

    /** @param recording where ledger entries are written beside the plugins' start and the binding's work (tests: held) */
    NodeService(CniRuntime cni, ConfigDirectory configs, String defaultNetwork, Ledger ledger, Path netnsDir, Limits limits,
                java.util.function.Consumer<String> refusals, PodInterfaces interfaces, Executor recording) {
        this.limits = limits;
        this.refusals = refusals;
        this.interfaces = interfaces;
        this.netnsDir = netnsDir;
        this.cni = cni;
        this.configs = new NetworkConfigs(configs);
        this.defaultNetwork = defaultNetwork;
        this.ledger = ledger;
        this.metrics = new NodeMetrics(() -> ledger.all().size());
        this.metrics.quarantined(() -> ledger.quarantined().size());
        this.adds = new LedgeredAdd(cni, ledger, locks, metrics, recording);
        this.collector = new LedgerCollector(cni, this.configs, defaultNetwork, ledger, locks, metrics, recording);
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /** The container ID of {@code vmi}'s attachments in the caller's namespace (see {@link VmNames#containerIdInNetns}). */
    public static String containerId(NetnsIdentity netns, String vmi) {
        return VmNames.of(vmi).containerIdInNetns(netns.dev(), netns.ino());
    }

    /**
     * ADD of one VMI interface in the caller's namespace: its result, the same one again when it is
     * attached already (no second allocation).
     */
    public Attached add(Caller caller, AttachmentRequest r) {
        return served("ADD", caller, () -> {
            Attached a = attach(caller, valid(r), null, CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(null));
            // Answered before its ADDED record is written (~0.8 ms under load): a kill before it is leaves ADDING with the
            // chain in the CNI cache, which start-up records as made (LedgerCollector).
            a.recorded().whenComplete((written, failed) -> {
                if (failed != null) {
                    refused("ADD", caller, CniError.TRY_AGAIN_LATER, "answered, but its ledger entry could not be marked "
                            + "ADDED (" + (failed.getCause() != null ? failed.getCause() : failed).getMessage() + "): it stays "
                            + "ADDING, which the next start of the daemon completes from the CNI cache");
                }
            });
            return a;
        });
    }

    /**
     * ADD for a caller whose namespace the daemon holds open already (the KubeVirt binding's pod):
     * {@code callers} looks at the interfaces there — whether the VMI interface exists before the
     * plugins run, or still exists when it is attached from before — instead of entering the namespace
     * once more (~0.5 ms a time). It is given the caller's namespace, and asked once {@code callersOpen}
     * completed.
     *
     * @param callersOpen done once {@code callers} can be asked (the caller may still be opening its
     *                    namespace as the first plugin starts)
     * @param proceed     what the caller must have done before any plugin acts (e.g. recorded what it is
     *                    about to do): the first plugin's process starts at once and gets its configuration
     *                    once this, the ledger entry and the look at the interfaces are done. If it fails,
     *                    nothing is added and the ADD ends with its exception.
     * @return the attachment, which the ledger records as made meanwhile: the caller answers its ADD only
     *         after {@link Attached#settle()}, which throws the refusal to answer if it could not be recorded
     */
    public Attached add(Caller caller, AttachmentRequest r, PodInterfaces callers, CompletionStage<?> callersOpen,
                        CompletionStage<?> proceed) {
        return served("ADD", caller, () -> attach(caller, valid(r), callers, callersOpen, proceed));
    }

    /** DEL: idempotent; frees what the ledger holds for it. */
    public void del(Caller caller, AttachmentRequest r) {
        served("DEL", caller, () -> {
            detach(caller, valid(r));
            return null;
        });
    }

    /** CHECK: the attachment as the daemon made it, or a {@link NodeError#UNKNOWN_ATTACHMENT} refusal saying what is not. */
    public void check(Caller caller, AttachmentRequest r) {
        served("CHECK", caller, () -> {
            verify(caller, valid(r));
            return null;
        });
    }

    /** LIST: the caller's own namespace's attachments, as the ledger holds them. */
    public List<LedgerEntry> list(Caller caller) {
        return served("LIST", caller, () -> ledger.all().stream().filter(e -> e.netnsDev() == caller.netns().dev()
                && e.netnsIno() == caller.netns().ino()).toList());
    }

    /** A request that could not be read (counted and logged as every refusal is; {@code op} "unknown" when unread). */
    public void refusedUnread(String op, Object caller, int code, String msg) {
        metrics.request(op, "error_" + code, 0);
        refused(op, caller, code, msg);
    }

    /**
     * One call, counted and timed in the metrics and, when refused, logged; anything but a
     * {@link CniException} becomes one (an internal error, code 999), so callers see one kind of failure.
     * An ADD its caller gave up before any plugin had its configuration (see
     * {@link #add(Caller, AttachmentRequest, PodInterfaces, CompletionStage, CompletionStage)}) is neither: in the end
     * nothing was asked of the node.
     */
    private <T> T served(String op, Caller caller, java.util.function.Supplier<T> work) {
        long t0 = System.nanoTime();
        String outcome = "ok";
        try {
            return work.get();
        } catch (java.util.concurrent.CancellationException givenUp) {
            outcome = null;
            throw givenUp;
        } catch (CniException e) {
            outcome = "error_" + e.error().code();
            refused(op, caller, e.error().code(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            outcome = "error_" + CniError.GENERIC;
            refused(op, caller, CniError.GENERIC, "internal error: " + e);
            throw new CniException(new CniError(CniError.GENERIC, "internal error: " + e, ""), "internal error: " + e, e);
        } finally {
            if (outcome != null) {
                metrics.request(op, outcome, System.nanoTime() - t0);
            }
        }
    }

    private static AttachmentRequest valid(AttachmentRequest r) {
        if (VmNames.vmiIndex(r.ifName()).isEmpty()) {
            throw refusal(NodeError.FORBIDDEN, "ifName \"" + r.ifName()
                    + "\": the node daemon only manages VMI interfaces (vmi0, vmi1, ...), never the pod's own");
        }
        if (!VMI_ID.matcher(r.vmi()).matches()) {
            throw refusal(NodeError.MALFORMED, "vmi \"" + r.vmi() + "\" must be the VM's identity (its uid)");
        }
        return r;
    }

    /** A request the daemon will not carry out: the code says why (podnic's own above 100, see {@link NodeError}). */
    static CniException refusal(int code, String msg) {
        return new CniException(code, msg);
    }

    /**
     * The path the plugins get for the caller's namespace: the container runtime's pin under
     * {@code netnsDir} (root's, not the pod's to change) whose identity is the one the kernel gave for
     * the caller — never a path the caller named. The caller's namespace stays pinned open for the
     * whole request, so the identity cannot be reused meanwhile. A path the caller sends is only
     * checked: it must name the same namespace — and when it is a pin in {@code netnsDir} itself, it is
     * the one looked for (no look at every pod's pin: a node's hundreds cost ~1 ms an ADD).
     */
    private String pluginNetns(Caller caller, String asked) {
        requireOwnNetns(caller, asked);
        if (!asked.isEmpty() && netnsDir.equals(Path.of(asked).getParent())) {
            return asked; // (the runtime's pin, proved the caller's namespace just now)
        }
        return caller.netns().pinnedIn(netnsDir).map(Path::toString).orElseThrow(() -> refusal(NodeError.FORBIDDEN,
                "the caller's network namespace (" + caller.netns() + ") is not pinned under " + netnsDir
                        + " (where the container runtime pins pods' namespaces; see --netns-dir)"));
    }

    /** A path the caller gave must be its own namespace; none at all means its own (the kernel told us which). */
    private static void requireOwnNetns(Caller caller, String netns) {
        if (netns.isEmpty()) {
            return;
        }
        Path p = Path.of(netns);
        NetnsIdentity asked;
        try {
            asked = !Files.exists(p) ? null : NetnsIdentity.of(p);
        } catch (IOException e) {
            asked = null;
        }
        if (asked == null || !asked.equals(caller.netns())) {
            throw refusal(NodeError.FORBIDDEN, "netns \"" + netns + "\" is not the caller's network namespace ("
                    + caller.netns() + "); a pod may only act on its own");
        }
    }

    private Object lock(String key) {
        return locks.of(key);
    }

    /**
     * @param callers the caller's interfaces as the daemon sees them already (see
     *                {@link #add(Caller, AttachmentRequest, PodInterfaces, CompletionStage, CompletionStage)}); null: entered to
     *                look (a launcher's ADD, recorded as made before it is answered)
     */
    private Attached attach(Caller caller, AttachmentRequest r, PodInterfaces callers, CompletionStage<?> callersOpen,
                            CompletionStage<?> proceed) {
        String netns = pluginNetns(caller, r.netns());
        NetnsIdentity callerNetns = caller.netns();
        String network = r.network().isEmpty() ? defaultNetwork : r.network();
        if (!limits.allowedNetworks().contains(network)) {
            throw refusal(NodeError.FORBIDDEN, "network \"" + network + "\" is not one launchers may use on this node (allowed: "
                    + new java.util.TreeSet<>(limits.allowedNetworks()) + "; see podnic node --allow-network)");
        }
        String cid = containerId(callerNetns, r.vmi());
        String key = LedgerEntry.key(cid, r.ifName());
        synchronized (lock(key)) {
            long others = ledger.all().stream().filter(e -> e.netnsDev() == callerNetns.dev() && e.netnsIno() == callerNetns.ino()
                    && !(e.containerId().equals(cid) && e.ifName().equals(r.ifName()))).count();
            if (others >= limits.maxInterfacesPerPod()) {
                throw refusal(NodeError.QUOTA, "the pod already has " + others + " VMI interfaces, the most this node allows "
                        + "one pod (see podnic node --max-interfaces-per-pod)");
            }
            var existing = ledger.get(cid, r.ifName());
            if (existing.isPresent() && existing.get().state() == LedgerEntry.State.ADDED
                    && (callers == null ? interfaces : callers).exists(caller.namespace(), r.ifName())) {
                LedgerEntry made = existing.get(); // idempotent: no second allocation
                SpecVersion version = configs.recorded(made).cniVersion();
                return new Attached(ResultJson.parse(made.result(), version), version, Duration.ZERO);
            }
            // An ADD or DEL a crash interrupted; or an ADDED entry of a dead namespace whose nsfs inode
            // the caller's new one reuses (its interface is not here): freed before a fresh ADD.
            existing.ifPresent(this::undo);
            NetworkConfigList net = configs.current(network);
            LedgerEntry entry;
            try {
                entry = new LedgerEntry(cid, r.ifName(), net.name(), r.vmi(), netns, callerNetns.dev(), callerNetns.ino(),
                        LedgerEntry.State.ADDING, caller.credentials().uid(), System.currentTimeMillis(), json.readTree(net.bytes()), null,
                        caller.podUid());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            AttachStep.reached(AttachStep.CHECKED);
            RuntimeConf rt = RuntimeConf.of(cid, netns, r.ifName());
            // (rt's namespace is the caller's, pinned: callers looks at the same one, once it is open)
            Optional<LedgeredAdd.CallersPod> pod = callers == null ? Optional.empty() : Optional.of(new LedgeredAdd.CallersPod(
                    (pinned, ifName) -> callers.exists(caller.namespace(), ifName), callersOpen, proceed));
            return adds.run(entry, net, rt, pod);
        }
    }

    private void detach(Caller caller, AttachmentRequest r) {
        requireOwnNetns(caller, r.netns());
        String cid = containerId(caller.netns(), r.vmi());
        synchronized (lock(LedgerEntry.key(cid, r.ifName()))) {
            ledger.get(cid, r.ifName()).ifPresent(this::undo);
        }
    }

    /**
     * The attachment as the daemon made it: ADDED in the ledger, in the same live namespace, its
     * interface still there. Not the plugins' CHECK: a bound vNIC's address was moved to the guest
     * on purpose, and the bridge plugin's CHECK looks for it on the interface (it can never pass).
     */
    private void verify(Caller caller, AttachmentRequest r) {
        requireOwnNetns(caller, r.netns());
        String cid = containerId(caller.netns(), r.vmi());
        LedgerEntry e = ledger.get(cid, r.ifName()).filter(x -> x.state() == LedgerEntry.State.ADDED)
                .orElseThrow(() -> refusal(NodeError.UNKNOWN_ATTACHMENT, r.ifName() + " of " + r.vmi() + " is not attached"));
        if (!LedgerCollector.alive(e)) {
            throw refusal(NodeError.UNKNOWN_ATTACHMENT, r.ifName() + " of " + r.vmi() + ": its namespace " + e.netns()
                    + " is gone");
        }
        if (!interfaces.exists(caller.namespace(), e.ifName())) {
            throw refusal(NodeError.UNKNOWN_ATTACHMENT, r.ifName() + " of " + r.vmi() + " is attached but the interface is "
                    + "gone from " + e.netns());
        }
    }

    /**
     * Why an ADD on {@code network} ("" for the default) could not be served now, if it could not: not
     * one launchers may use, or not configured (loadable) in the configuration directory. For CNI STATUS.
     */
    public java.util.Optional<String> networkProblem(String network) {
        String name = network.isEmpty() ? defaultNetwork : network;
        if (!limits.allowedNetworks().contains(name)) {
            return java.util.Optional.of("network \"" + name + "\" is not one this node allows (see podnic node --allow-network)");
        }
        try {
            configs.current(name);
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of("network \"" + name + "\": " + e.getMessage());
        }
    }

    /** See {@link LedgerCollector#undo}. */
    void undo(LedgerEntry e) {
        collector.undo(e);
    }

    /** See {@link LedgerCollector#collectGarbage}. */
    public GcPass collectGarbage(boolean startup) {
        return collector.collectGarbage(startup);
    }

    /** See {@link LedgerCollector#release}. */
    public List<LedgerEntry> release(String vmi) {
        return collector.release(vmi);
    }

    /** See {@link LedgerCollector#problem}. */
    public java.util.Optional<String> problem(java.time.Duration gcInterval) {
        return collector.problem(gcInterval);
    }

    public List<LedgerEntry> attachments() {
        return ledger.all();
    }

    /**
     * A request refused before it was read (too large or slow, its caller gone, the daemon or the
     * pod's share busy); counted and logged as every refusal is.
     */
    public void unreadable(int code, String msg) {
        refusedUnread("unread", "(not identified)", code, msg);
    }

    /** One logfmt line per refusal, for the daemon's log. */
    private void refused(String op, Object caller, int code, String msg) {
        refusals.accept("op=" + op + " caller=\"" + caller + "\" code=" + code + " msg=\"" + msg.replace('"', '\'') + "\"");
    }
}
