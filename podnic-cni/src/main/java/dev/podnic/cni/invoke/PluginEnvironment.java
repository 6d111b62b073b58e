package dev.podnic.cni.invoke;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds a plugin's environment: the runtime's own environment without any inherited
 * {@code CNI_*} variable, a usable {@code PATH} (plugins that call iptables need one), and the
 * spec's variables for this invocation.
 */
public final class PluginEnvironment {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> base;

    public PluginEnvironment(Map<String, String> processEnvironment) {
        Map<String, String> b = new LinkedHashMap<>();
        processEnvironment.forEach((k, v) -> {
            if (!k.startsWith("CNI_")) {
                b.put(k, v);
            }
        });
        b.putIfAbsent("PATH", DEFAULT_PATH);
        this.base = Map.copyOf(b);
    }

    /**
     * The environment for one invocation.
     *
     * @param args CNI_ARGS pairs, in order
     */
    public Map<String, String> build(String command, String containerId, String netns, String ifName,
                                     List<Map.Entry<String, String>> args, List<Path> binDirs) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", nullToEmpty(containerId));
        env.put("CNI_NETNS", nullToEmpty(netns));
        env.put("CNI_IFNAME", nullToEmpty(ifName));
        env.put("CNI_ARGS", formatArgs(args));
        env.put("CNI_PATH", binDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        return env;
    }

    /** "K1=V1;K2=V2", the spec's CNI_ARGS format. */
    public static String formatArgs(List<Map.Entry<String, String>> args) {
        return args.stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
