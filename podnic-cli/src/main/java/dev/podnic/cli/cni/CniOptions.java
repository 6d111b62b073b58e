package dev.podnic.cli.cni;

import dev.podnic.cli.LongOptions;
import dev.podnic.cli.UserError;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.netlink.netns.NetnsThread;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Where configs, plugins and the cache live, and where plugins run; shared by every cni subcommand. */
public final class CniOptions {
    // Each name and default once, for the picocli declaration and the start path alike.
    static final String CONF_DIR = "--conf-dir";
    static final String CONF_DIR_DEFAULT = "${env:NETCONFPATH:-/etc/cni/net.d}";
    static final String BIN_DIR = "--bin-dir";
    static final String CACHE_DIR = "--cache-dir";
    static final String CACHE_DIR_DEFAULT = "/var/lib/cni";
    static final String TIMEOUT = "--timeout";
    static final String TIMEOUT_DEFAULT = "60";
    static final String NODE_NETNS = "--node-netns";

    @Option(names = CONF_DIR, paramLabel = "DIR", defaultValue = CONF_DIR_DEFAULT,
            description = "CNI configuration directory (default: ${DEFAULT-VALUE}; env NETCONFPATH).")
    Path confDir;

    @Option(names = BIN_DIR, paramLabel = "DIR[:DIR...]", split = ":",
            description = "Plugin directories, searched in order; repeatable or colon-separated "
                    + "(default: $CNI_PATH, else /opt/cni/bin:/usr/lib/cni).")
    List<Path> binDirs = new ArrayList<>();

    @Option(names = CACHE_DIR, paramLabel = "DIR", defaultValue = CACHE_DIR_DEFAULT,
            description = "Result cache directory, libcni's format (default: ${DEFAULT-VALUE}; `podnic node` keeps its own "
                    + "in STATE-DIR/cni-cache).")
    Path cacheDir;

    @Option(names = TIMEOUT, paramLabel = "SECONDS", defaultValue = TIMEOUT_DEFAULT,
            description = "Kill a plugin that runs longer than this (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The long names above: what a start-path command line ({@link dev.podnic.cli.StartPath}) may give. */
    public static final Set<String> NAMES = Set.of(CONF_DIR, BIN_DIR, CACHE_DIR, TIMEOUT, NODE_NETNS);
    /** Those of {@link #NAMES} that may be given more than once. */
    public static final Set<String> REPEATABLE = Set.of(BIN_DIR);

    /** These options read from a start-path command line, with the defaults declared above (CniStartPathTest holds them equal). */
    public static CniOptions of(LongOptions o) {
        CniOptions c = new CniOptions();
        c.confDir = Path.of(o.value(CONF_DIR, CONF_DIR_DEFAULT));
        for (String v : o.values(BIN_DIR)) {
            for (String dir : v.split(":")) {
                c.binDirs.add(Path.of(dir));
            }
        }
        c.cacheDir = Path.of(o.value(CACHE_DIR, CACHE_DIR_DEFAULT));
        c.timeoutSeconds = o.intValue(TIMEOUT, TIMEOUT_DEFAULT);
        String nodeNetns = o.value(NODE_NETNS, null);
        c.nodeNetns = nodeNetns == null ? null : Path.of(nodeNetns);
        return c;
    }

    /** Seconds before a hung plugin is killed. */
    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    @Option(names = NODE_NETNS, paramLabel = "PATH",
            description = "Run the plugins inside this network namespace (the node's) instead of the "
                    + "current one, e.g. /run/netns/node.")
    Path nodeNetns;

    /** The runtime's CNI configuration directory. */
    public ConfigDirectory configDirectory() {
        return new ConfigDirectory(confDir, new ConfigParser());
    }

    /** The network called {@code name}, or when null the first valid one in lookup order (as the kubelet picks). */
    public NetworkConfigList network(String name) {
        if (name != null) {
            return configDirectory().load(name);
        }
        return configDirectory().list().stream().flatMap(e -> e.network().stream()).findFirst()
                .orElseThrow(() -> new UserError("no valid CNI network in " + confDir + "; give --net or --conf-dir"));
    }

    public Path nodeNetns() {
        return nodeNetns;
    }

    /** The result cache directory (--cache-dir, or its default). */
    public Path cacheDir() {
        return cacheDir;
    }

    /** A runtime with these options' directories and timeout, running plugins through {@code exec}. */
    public CniRuntime runtime(ProcessPluginExec exec) {
        return runtime(exec, cacheDir);
    }

    public CniRuntime runtime(ProcessPluginExec exec, Path cache) {
        return new CniRuntime(effectiveBinDirs(), cache, Duration.ofSeconds(timeoutSeconds), exec);
    }

    /** A runtime wired for these options; close it to end the namespace thread. */
    public Session open() {
        if (timeoutSeconds <= 0) {
            throw new UserError("--timeout must be a positive number of seconds, got " + timeoutSeconds);
        }
        NetnsThread node = nodeNetns == null ? null : NetnsThread.enter(nodeNetns);
        ProcessPluginExec exec = node == null ? new ProcessPluginExec() : new ProcessPluginExec(node);
        CniRuntime runtime = new CniRuntime(effectiveBinDirs(), cacheDir, Duration.ofSeconds(timeoutSeconds), exec);
        return new Session(runtime, new ConfigDirectory(confDir, new ConfigParser()), exec, node);
    }

    List<Path> effectiveBinDirs() {
        if (!binDirs.isEmpty()) {
            return binDirs;
        }
        String env = System.getenv("CNI_PATH");
        String dirs = env != null && !env.isBlank() ? env : "/opt/cni/bin:/usr/lib/cni";
        return java.util.Arrays.stream(dirs.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    /** An open runtime plus what must be closed after it. */
    public record Session(CniRuntime runtime, ConfigDirectory configs, ProcessPluginExec exec, NetnsThread node)
            implements AutoCloseable {
        @Override
        public void close() {
            exec.close();
            if (node != null) {
                node.close();
            }
        }
    }
}
