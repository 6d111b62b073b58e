package dev.podnic.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.podnic.cni.cache.CachedAttachment;
import dev.podnic.cni.cache.ResultCache;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.config.PluginConfig;
import dev.podnic.cni.invoke.PluginEnvironment;
import dev.podnic.cni.invoke.PluginExec;
import dev.podnic.cni.invoke.PluginInvoker;
import dev.podnic.cni.invoke.PluginInvoker.Call;
import dev.podnic.cni.invoke.PluginVersionStore;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.cni.version.PluginVersions;
import dev.podnic.cni.version.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The CNI runtime: runs a network's plugin chain for ADD, CHECK, DEL, STATUS and GC the way libcni
 * does, with four differences that keep a node clean — a failed ADD is undone by a DEL over the
 * whole chain; DEL runs every plugin even when one fails (and keeps the cache entry for a retry);
 * ADD refuses an attachment that is already cached instead of failing half-way in the plugins; and
 * ADD refuses an interface name the sandbox holds already (but lo), before any plugin runs (its
 * undoing DEL would delete that interface, which is not this attachment's).
 * Thread-safe.
 */
public final class CniRuntime {
    private final PluginInvoker invoker;
    private final ResultCache cache;
    private final SandboxLinks links;

    /**
     * @param binDirs  plugin directories, searched in order
     * @param cacheDir libcni's cache directory (default /var/lib/cni)
     * @param timeout  a plugin still running after this is killed
     * @param exec     how plugins are run (e.g. {@link dev.podnic.cni.invoke.ProcessPluginExec})
     */
    public CniRuntime(List<Path> binDirs, Path cacheDir, Duration timeout, PluginExec exec) {
        this(binDirs, cacheDir, timeout, exec, SandboxLinks.KERNEL);
    }

    /** @param links what a sandbox's namespace holds (a fake where plugins are fakes too) */
    public CniRuntime(List<Path> binDirs, Path cacheDir, Duration timeout, PluginExec exec, SandboxLinks links) {
        this(new PluginInvoker(exec, binDirs, new PluginEnvironment(System.getenv()), timeout,
                new PluginVersionStore(cacheDir.resolve("podnic").resolve("plugin-versions.json"))), new ResultCache(cacheDir), links);
    }

    CniRuntime(PluginInvoker invoker, ResultCache cache, SandboxLinks links) {
        this.invoker = invoker;
        this.cache = cache;
        this.links = links;
    }

    /** ADD: runs the chain in order; returns the final result in the network's version. */
    public CniResult add(NetworkConfigList list, RuntimeConf rt) {
        return addTimed(list, rt, CompletableFuture.completedFuture(null)).result();
    }

    /** An ADD's final result, and how long the plugins' processes took for it (the rest is the runtime's own). */
    public record Added(CniResult result, Duration plugins) {
    }

    /**
     * ADD, with the plugins' time told apart from the runtime's, and the first plugin given its
     * configuration only once {@code before} completed — its process starts meanwhile, and no plugin
     * can act before it has its configuration: what must be done before anything is allocated (the
     * node daemon's ledger entry made durable, the pod opened) is done while the first plugin starts.
     * When {@code before} fails, no plugin has had its configuration, nothing is undone, and the ADD
     * fails with {@code before}'s exception.
     */
    public Added addTimed(NetworkConfigList list, RuntimeConf rt, CompletionStage<?> before) {
        return addTimed(list, rt, links, before, before);
    }

    /**
     * As {@link #addTimed(NetworkConfigList, RuntimeConf, CompletionStage)}, whether the interface name is free in the
     * sandbox asked on {@code looking} while {@code before} is under way instead of after it (looking enters the
     * sandbox's namespace: a thread and a socket, ~1 ms).
     */
    public Added addTimed(NetworkConfigList list, RuntimeConf rt, CompletionStage<?> before, Executor looking) {
        CompletableFuture<Boolean> taken = CompletableFuture.supplyAsync(() -> !rt.ifName().equals("lo") && !rt.netns().isEmpty()
                && links.exists(Path.of(rt.netns()), rt.ifName()), looking);
        return addTimed(list, rt, (netns, ifName) -> taken.join(), taken, before);
    }

    /**
     * {@link #addTimed(NetworkConfigList, RuntimeConf, CompletionStage)} with {@code sandbox} telling
     * whether the interface exists in the sandbox already (for a caller that holds the namespace
     * open: entering it again costs a thread and a socket). It is asked once {@code sandboxReady}
     * completed, so a caller may still be opening the sandbox as the first plugin starts, and while
     * {@code before} is still under way; the first plugin has its configuration once both are done
     * and the name was free.
     */
    public Added addTimed(NetworkConfigList list, RuntimeConf rt, SandboxLinks sandbox, CompletionStage<?> sandboxReady,
                          CompletionStage<?> before) {
        rt.validate();
        if (cache.exists(list.name(), rt.containerId(), rt.ifName())) {
            throw new CniException(CniError.GENERIC, "network " + list.name() + " is already attached to "
                    + rt.containerId() + "/" + rt.ifName() + " (cached in " + cache.file(list.name(), rt.containerId(), rt.ifName())
                    + "); DEL it first");
        }
        requireNetns(rt);
        // When the first plugin may have its configuration (and from when its time is the plugins' own).
        CompletableFuture<Long> ready = sandboxReady.toCompletableFuture().thenRun(() -> requireFree(rt, sandbox))
                .thenCombine(before, (free, done) -> {
                    AttachStep.reached("plugin may have its input");
                    return System.nanoTime();
                });
        if (ready.isCompletedExceptionally()) { // (before was done: asked at once, before any plugin starts)
            throw reason(ready);
        }
        // Find and negotiate with every plugin first: a missing or incompatible one fails the ADD
        // before anything is allocated.
        List<SpecVersion> speak = new ArrayList<>();
        for (PluginConfig plugin : list.plugins()) {
            speak.add(invoker.negotiate(plugin, list.cniVersion()));
        }
        CniResult result = null;
        long plugins = 0;
        try {
            for (int i = 0; i < list.plugins().size(); i++) {
                long t0 = System.nanoTime();
                result = invoker.add(list, new Call(list.plugins().get(i), speak.get(i), result, Map.of()), rt,
                        i == 0 ? ready : CompletableFuture.completedFuture(null));
                // (the first plugin's process started at t0 and waited for its configuration: that wait is not its own)
                plugins += System.nanoTime() - (i == 0 ? Math.max(t0, ready.join()) : t0);
            }
            JsonNode cached = ResultJson.write(result, list.cniVersion());
            cache.put(new CachedAttachment(list.name(), rt.containerId(), rt.ifName(), rt.netns(), list.bytes(),
                    rt.args(), rt.capabilityArgs(), cached));
            AttachStep.reached("cache written");
            return new Added(result.withVersion(list.cniVersion()), Duration.ofNanos(plugins));
        } catch (RuntimeException e) {
            if (ready.isCompletedExceptionally()) { // no plugin had its configuration: nothing to undo
                throw reason(ready);
            }
            undo(list, rt, e);
            if (e instanceof IllegalArgumentException conversion) {
                throw new CniException(CniError.INCOMPATIBLE_VERSION, "network " + list.name() + ": "
                        + conversion.getMessage());
            }
            throw e;
        }
    }

    /**
     * An interface of the name in the sandbox already is another's (lo is every namespace's own,
     * configured in place by the loopback plugin, deleted by none).
     */
    private static void requireFree(RuntimeConf rt, SandboxLinks sandbox) {
        if (!rt.ifName().equals("lo") && sandbox.exists(Path.of(rt.netns()), rt.ifName())) {
            throw new CniException(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME: interface " + rt.ifName() + " exists in "
                    + rt.netns() + " already (another attachment's, or the container's own); nothing was run or changed. "
                    + "Choose another interface name, or DEL the attachment that holds it first");
        }
    }

    /** Why {@code failed} failed, as it was raised. */
    private static RuntimeException reason(CompletableFuture<?> failed) {
        Throwable t = failed.handle((v, failure) -> failure).join();
        Throwable why = t instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : t;
        return why instanceof RuntimeException r ? r : new IllegalStateException(why);
    }

    private static void requireNetns(RuntimeConf rt) {
        if (rt.netns().isEmpty() || !Files.exists(Path.of(rt.netns()))) {
            throw new CniException(CniError.UNKNOWN_CONTAINER, "network namespace \"" + rt.netns()
                    + "\" does not exist (give the container's namespace path, e.g. /run/netns/NAME)");
        }
    }

    /** Plugins leave veths and IPs behind after a failed ADD; a DEL over the whole chain frees them. */
    private void undo(NetworkConfigList list, RuntimeConf rt, RuntimeException cause) {
        for (RuntimeException e : deleteChain(list, rt, null)) {
            cause.addSuppressed(e);
        }
        cache.remove(list.name(), rt.containerId(), rt.ifName());
    }

    /**
     * CHECK (spec 0.4.0+): asks every plugin whether the attachment is still as ADD left it.
     *
     * @return the plugins that were asked (plugins that cannot CHECK, and a disableCheck list, are skipped)
     */
    public List<String> check(NetworkConfigList list, RuntimeConf rt) {
        rt.validate();
        if (!list.cniVersion().supportsCheck()) {
            throw new CniException(CniError.INCOMPATIBLE_VERSION, "network " + list.name() + " has version "
                    + list.cniVersion() + ", which does not support CHECK (0.4.0 or newer needed)");
        }
        if (list.disableCheck()) {
            return List.of();
        }
        requireNetns(rt);
        CniResult prev = cachedResult(list, rt).orElseThrow(() -> new CniException(CniError.UNKNOWN_CONTAINER,
                "no cached result for " + rt.containerId() + "/" + rt.ifName() + " in network " + list.name()
                + " (was it added by a runtime using " + cache.file(list.name(), rt.containerId(), rt.ifName()).getParent() + "?)"));
        List<String> asked = new ArrayList<>();
        for (PluginConfig plugin : list.plugins()) {
            SpecVersion speak = invoker.negotiate(plugin, list.cniVersion());
            if (speak.supportsCheck()) {
                invoker.invoke("CHECK", list, new Call(plugin, speak, prev, Map.of()), rt);
                asked.add(plugin.type());
            }
        }
        return asked;
    }

    /**
     * DEL: runs the chain in reverse with the cached result as prevResult. Idempotent; works when
     * the netns is already gone. Every plugin runs even if one fails; the first failure is thrown
     * (the rest suppressed) and the cache entry stays so that DEL can be retried.
     */
    public void del(NetworkConfigList list, RuntimeConf rt) {
        del(list, rt, null);
    }

    /**
     * DEL, given the ADD's result as the caller recorded it ({@code recorded}, in the network's version; null: none):
     * prevResult when the cache holds none — a cache kept on a tmpfs is empty after the node restarted, while the
     * caller's own durable record (the node daemon's ledger) still names the attachment.
     */
    public void del(NetworkConfigList list, RuntimeConf rt, JsonNode recorded) {
        rt.validate();
        RuntimeConf effective = rt;
        JsonNode prevJson = recorded;
        try {
            var cached = cache.get(list.name(), rt.containerId(), rt.ifName());
            if (cached.isPresent()) {
                effective = withCachedArgs(rt, cached.get());
                if (cached.get().result() != null) {
                    prevJson = cached.get().result();
                }
            }
        } catch (CniException | IllegalArgumentException unreadable) {
            cache.remove(list.name(), rt.containerId(), rt.ifName()); // as libcni: DEL goes on without it
        }
        CniResult prev = null;
        if (prevJson != null && list.cniVersion().supportsCheck()) {
            try {
                prev = ResultJson.parse(prevJson, list.cniVersion());
            } catch (CniException | IllegalArgumentException unreadable) {
                // (as an unreadable cache entry: DEL goes on without it)
            }
        }
        List<RuntimeException> errors = deleteChain(list, effective, prev);
        if (!errors.isEmpty()) {
            RuntimeException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        cache.remove(list.name(), rt.containerId(), rt.ifName());
    }

    private List<RuntimeException> deleteChain(NetworkConfigList list, RuntimeConf rt, CniResult prev) {
        List<RuntimeException> errors = new ArrayList<>();
        List<PluginConfig> reversed = new ArrayList<>(list.plugins());
        Collections.reverse(reversed);
        for (PluginConfig plugin : reversed) {
            try {
                SpecVersion speak = invoker.negotiate(plugin, list.cniVersion());
                CniResult p = speak.atLeast(SpecVersion.V0_3_0) ? prev : null;
                invoker.invoke("DEL", list, new Call(plugin, speak, p, Map.of()), rt);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        return errors;
    }

    /** What the caller left out is taken from the cache: the netns (so DEL can remove the interface), args, capabilities. */
    private static RuntimeConf withCachedArgs(RuntimeConf rt, CachedAttachment cached) {
        return new RuntimeConf(rt.containerId(), rt.netns().isEmpty() ? cached.netns() : rt.netns(), rt.ifName(),
                rt.args().isEmpty() ? cached.cniArgs() : rt.args(),
                rt.capabilityArgs().isEmpty() ? cached.capabilityArgs() : rt.capabilityArgs());
    }

    /** STATUS (spec 1.1.0): is each plugin ready to ADD? Throws the first plugin's error. */
    public StatusReport status(NetworkConfigList list) {
        List<StatusReport.PluginStatus> out = new ArrayList<>();
        for (PluginConfig plugin : list.plugins()) {
            if (!list.cniVersion().supportsStatusAndGc()) {
                out.add(new StatusReport.PluginStatus(plugin.type(), StatusReport.State.NOT_SUPPORTED,
                        "network version " + list.cniVersion() + " predates STATUS (1.1.0)"));
                continue;
            }
            SpecVersion speak = invoker.negotiate(plugin, list.cniVersion());
            if (!speak.supportsStatusAndGc()) {
                out.add(new StatusReport.PluginStatus(plugin.type(), StatusReport.State.NOT_SUPPORTED,
                        "plugin speaks up to " + speak + ", which predates STATUS (1.1.0)"));
                continue;
            }
            invoker.invoke("STATUS", list, new Call(plugin, speak, null, Map.of()), RuntimeConf.of("", "", ""));
            out.add(new StatusReport.PluginStatus(plugin.type(), StatusReport.State.READY, ""));
        }
        return new StatusReport(list.name(), out);
    }

    /**
     * GC: deletes every cached attachment of this network that is not in {@code valid}, then asks
     * spec-1.1 plugins to GC with the valid list. Plugins that predate GC are covered by the DELs.
     */
    public GcReport gc(NetworkConfigList list, Set<Attachment> valid) {
        if (list.disableGc()) {
            return new GcReport(list.name(), true, List.of(), List.of(), List.of(), List.of());
        }
        List<Attachment> deleted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (CachedAttachment a : cache.list(list.name())) {
            Attachment id = new Attachment(a.containerId(), a.ifName());
            if (valid.contains(id)) {
                continue;
            }
            try {
                del(list, new RuntimeConf(a.containerId(), a.netns(), a.ifName(), a.cniArgs(), a.capabilityArgs()));
                deleted.add(id);
            } catch (RuntimeException e) {
                errors.add("DEL of stale attachment " + id + ": " + e.getMessage());
            }
        }
        List<String> ran = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        ArrayNode validJson = JsonNodeFactory.instance.arrayNode();
        valid.forEach(v -> validJson.addObject().put("containerID", v.containerId()).put("ifname", v.ifName()));
        for (PluginConfig plugin : list.plugins()) {
            try {
                SpecVersion speak = list.cniVersion().supportsStatusAndGc()
                        ? invoker.negotiate(plugin, list.cniVersion()) : list.cniVersion();
                if (!speak.supportsStatusAndGc()) {
                    skipped.add(plugin.type());
                    continue;
                }
                invoker.invoke("GC", list, new Call(plugin, speak, null, Map.of("cni.dev/valid-attachments", validJson)),
                        RuntimeConf.of("", "", ""));
                ran.add(plugin.type());
            } catch (RuntimeException e) {
                errors.add("GC of plugin " + plugin.type() + ": " + e.getMessage());
            }
        }
        return new GcReport(list.name(), false, deleted, ran, skipped, errors);
    }

    /** The cached ADD result of an attachment, in the network's version. */
    public Optional<CniResult> cachedResult(NetworkConfigList list, RuntimeConf rt) {
        return cache.get(list.name(), rt.containerId(), rt.ifName())
                .filter(a -> a.result() != null)
                .map(a -> ResultJson.parse(a.result(), list.cniVersion()).withVersion(list.cniVersion()));
    }

    /** Every cached attachment of {@code network} (all networks when null). */
    public List<CachedAttachment> cachedAttachments(String network) {
        return cache.list(network);
    }

    /** The spec versions a plugin supports, from its VERSION answer. */
    public PluginVersions versions(String pluginType) {
        return invoker.versions(pluginType);
    }

    public List<Path> binDirs() {
        return invoker.binDirs();
    }
}
