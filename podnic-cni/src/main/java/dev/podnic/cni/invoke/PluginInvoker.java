package dev.podnic.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.PluginErrorException;
import dev.podnic.cni.PluginExecException.Reason;
import dev.podnic.cni.PluginExecException;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.config.PluginConfig;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.PluginVersions;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one plugin for one command per the CNI spec: locates it, negotiates the spec version from
 * its VERSION answer (cached per binary), builds its stdin and environment, runs it and turns the
 * outcome into a result or a typed error.
 */
public final class PluginInvoker {
    private static final int EXCERPT = 400;

    private final PluginExec exec;
    private final List<Path> binDirs;
    private final PluginEnvironment environment;
    private final Duration timeout;
    private final Map<PluginVersionStore.Binary, PluginVersions> versionCache = new ConcurrentHashMap<>();
    private final PluginVersionStore versionStore;

    public PluginInvoker(PluginExec exec, List<Path> binDirs, PluginEnvironment environment, Duration timeout) {
        this(exec, binDirs, environment, timeout, null);
    }

    /** @param versionStore VERSION answers kept across processes; null: this process only */
    public PluginInvoker(PluginExec exec, List<Path> binDirs, PluginEnvironment environment, Duration timeout,
                         PluginVersionStore versionStore) {
        this.versionStore = versionStore;
        this.exec = exec;
        this.binDirs = List.copyOf(binDirs);
        this.environment = environment;
        this.timeout = timeout;
    }

    /** A plugin call: the plugin, the version to speak with it, and what to inject into its config. */
    public record Call(PluginConfig plugin, SpecVersion speak, CniResult prevResult, Map<String, JsonNode> extra) {
    }

    /** Decides how to talk to {@code plugin} for a list of version {@code wanted}. */
    public SpecVersion negotiate(PluginConfig plugin, SpecVersion wanted) {
        PluginVersions v = versions(plugin.type());
        return v.negotiate(wanted).orElseThrow(() -> new PluginExecException(plugin.type(), Reason.INCOMPATIBLE_VERSION,
                CniError.INCOMPATIBLE_VERSION, "plugin " + plugin.type() + " supports CNI versions " + v.reported()
                + " but the network needs " + wanted + " or an older version it can be converted from"));
    }

    /** Runs ADD; the result is returned as the plugin wrote it (its own version). */
    public CniResult add(NetworkConfigList list, Call call, RuntimeConf rt) {
        return add(list, call, rt, CompletableFuture.completedFuture(null));
    }

    /** ADD, the plugin given its configuration once {@code inputWhen} completed (see {@link PluginExec}). */
    public CniResult add(NetworkConfigList list, Call call, RuntimeConf rt, CompletionStage<?> inputWhen) {
        byte[] stdout = run("ADD", list, call, rt, inputWhen);
        JsonNode node;
        try {
            node = JsonTrees.read(stdout);
            return ResultJson.parse(node, call.speak());
        } catch (IOException | IllegalArgumentException e) {
            throw new PluginExecException(call.plugin().type(), Reason.UNPARSEABLE_OUTPUT, CniError.DECODE_FAILURE,
                    "plugin " + call.plugin().type() + " (ADD) printed an unusable result (" + e.getMessage().lines().findFirst().orElse("")
                    + "): " + excerpt(stdout), e);
        }
    }

    /** Runs a command whose success prints nothing of interest (DEL, CHECK, STATUS, GC). */
    public void invoke(String command, NetworkConfigList list, Call call, RuntimeConf rt) {
        run(command, list, call, rt, CompletableFuture.completedFuture(null));
    }

    private byte[] run(String command, NetworkConfigList list, Call call, RuntimeConf rt, CompletionStage<?> inputWhen) {
        String type = call.plugin().type();
        Path path = locate(type);
        byte[] stdin = stdin(list, call, rt);
        Map<String, String> env = environment.build(command, rt.containerId(), rt.netns(), rt.ifName(), rt.args(), binDirs);
        PluginExec.ExecOutput out = execute(type, command, path, stdin, env, inputWhen);
        if (out.exitCode() != 0) {
            throw failure(type, command, out);
        }
        return out.stdout();
    }

    /** The stdin for a call: the plugin's config with name, cniVersion, prevResult and runtimeConfig injected. */
    public byte[] stdin(NetworkConfigList list, Call call, RuntimeConf rt) {
        ObjectNode conf = call.plugin().raw().deepCopy();
        conf.put("cniVersion", call.speak().text());
        conf.put("name", list.name());
        if (call.prevResult() != null) {
            conf.set("prevResult", ResultJson.write(call.prevResult(), call.speak()));
        }
        ObjectNode runtimeConfig = JsonNodeFactory.instance.objectNode();
        rt.capabilityArgs().forEach((k, v) -> {
            if (call.plugin().hasCapability(k)) {
                runtimeConfig.set(k, v);
            }
        });
        if (!runtimeConfig.isEmpty()) {
            conf.set("runtimeConfig", runtimeConfig);
        }
        call.extra().forEach(conf::set);
        return JsonTrees.write(conf);
    }

    /**
     * The plugin's supported versions; asked once per binary (path, size, mtime), remembered in this
     * process and, with a store, across processes.
     */
    public PluginVersions versions(String type) {
        Path path = locate(type);
        PluginVersionStore.Binary binary = PluginVersionStore.Binary.of(path);
        PluginVersions cached = versionCache.get(binary);
        if (cached == null && versionStore != null) {
            cached = versionStore.find(binary).orElse(null);
        }
        if (cached != null) {
            versionCache.put(binary, cached);
            return cached;
        }
        PluginVersions answer = askVersion(type, path);
        versionCache.put(binary, answer);
        if (versionStore != null) {
            versionStore.put(binary, answer);
        }
        return answer;
    }

    private PluginVersions askVersion(String type, Path path) {
        byte[] stdin = ("{\"cniVersion\":\"" + SpecVersion.LATEST.text() + "\"}").getBytes(StandardCharsets.UTF_8);
        Map<String, String> env = environment.build("VERSION", "", "", "", List.of(), binDirs);
        PluginExec.ExecOutput out = execute(type, "VERSION", path, stdin, env);
        if (out.exitCode() != 0) {
            String text = new String(out.stdout(), StandardCharsets.UTF_8) + new String(out.stderr(), StandardCharsets.UTF_8);
            if (text.contains("unknown CNI_COMMAND")) {
                return PluginVersions.legacy(); // predates VERSION: spec 0.1.0 only
            }
            throw failure(type, "VERSION", out);
        }
        try {
            JsonNode node = JsonTrees.read(out.stdout());
            JsonNode list = node.get("supportedVersions");
            if (list == null || !list.isArray()) {
                throw new IOException("no \"supportedVersions\" array");
            }
            List<String> reported = new ArrayList<>();
            list.forEach(v -> reported.add(v.asText()));
            return new PluginVersions(reported.stream().map(SpecVersion::find).flatMap(Optional::stream).toList(), reported);
        } catch (IOException e) {
            throw new PluginExecException(type, Reason.UNPARSEABLE_OUTPUT, CniError.DECODE_FAILURE,
                    "plugin " + type + " (VERSION) printed an unusable answer (" + e.getMessage().lines().findFirst().orElse("")
                    + "): " + excerpt(out.stdout()), e);
        }
    }

    private PluginExec.ExecOutput execute(String type, String command, Path path, byte[] stdin, Map<String, String> env) {
        return execute(type, command, path, stdin, env, CompletableFuture.completedFuture(null));
    }

    private PluginExec.ExecOutput execute(String type, String command, Path path, byte[] stdin, Map<String, String> env,
                                          CompletionStage<?> inputWhen) {
        PluginExec.ExecOutput out;
        try {
            out = exec.run(path, stdin, env, timeout, inputWhen);
        } catch (IOException e) {
            throw new PluginExecException(type, Reason.START_FAILED, CniError.GENERIC,
                    "cannot run plugin " + type + " (" + path + "): " + e.getMessage(), e);
        }
        if (out.timedOut()) {
            throw new PluginExecException(type, Reason.TIMED_OUT, CniError.GENERIC, "plugin " + type + " (" + command
                    + ") did not finish within " + timeout.toSeconds() + "s and was killed" + stderrNote(out));
        }
        return out;
    }

    private RuntimeException failure(String type, String command, PluginExec.ExecOutput out) {
        Optional<CniError> error;
        try {
            error = CniError.fromJson(JsonTrees.read(out.stdout()));
        } catch (IOException e) {
            error = Optional.empty();
        }
        if (error.isPresent()) {
            return new PluginErrorException(type, command, error.get());
        }
        return new PluginExecException(type, Reason.FAILED_WITHOUT_ERROR, CniError.GENERIC, "plugin " + type + " ("
                + command + ") exited with status " + out.exitCode() + " without a CNI error object"
                + (out.stdout().length > 0 ? "; stdout: " + excerpt(out.stdout()) : "") + stderrNote(out));
    }

    /** The binary for {@code type}, searched in the bin dirs in order. */
    public Path locate(String type) {
        return exec.find(type, binDirs).orElseThrow(() -> new PluginExecException(type, Reason.NOT_FOUND,
                CniError.INVALID_CONFIG, "plugin \"" + type + "\" not found in " + binDirs
                + " (set the plugin directories with --bin-dir)", null));
    }

    public List<Path> binDirs() {
        return binDirs;
    }

    private static String stderrNote(PluginExec.ExecOutput out) {
        return out.stderr().length == 0 ? "" : "; stderr: " + excerpt(out.stderr());
    }

    private static String excerpt(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            return "(nothing)";
        }
        return s.length() > EXCERPT ? s.substring(0, EXCERPT) + "..." : s;
    }
}
