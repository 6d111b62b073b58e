package dev.podnic.kubevirt.testing;

import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multus's side of the binding contract, played by a real third-party CNI runtime: a small Go program
 * (src/test/go/multus-delegate) on Debian's libcni, built here once per run, that runs one network of a
 * pod as Multus runs a delegate (cni-args injected as args.cni, the pod in CNI_ARGS).
 */
public final class MultusDelegate {
    private static final Path SOURCE = Path.of("src/test/go/multus-delegate/main.go");
    private static final Path BINARY = Path.of("target/go/multus-delegate");

    private final NetnsThread node;
    private final Map<String, String> env;

    /**
     * @param node the namespace Multus runs in (the node's): the plugins' host sides land there
     * @param env  CNI_PATH, CNI_CACHE_DIR and whatever the binding's executable needs (PODNIC_BINDING_SOCKET)
     */
    public MultusDelegate(NetnsThread node, Map<String, String> env) {
        this.node = node;
        this.env = env;
    }

    /** Builds the Go program (GOPATH mode, offline, Debian's packaged sources) unless it is newer than its source. */
    public static synchronized Path binary() throws IOException {
        if (Files.exists(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(Files.getLastModifiedTime(SOURCE)) > 0) {
            return BINARY;
        }
        Files.createDirectories(BINARY.getParent());
        ProcessBuilder pb = new ProcessBuilder("go", "build", "-o", BINARY.toAbsolutePath().toString(), SOURCE.toAbsolutePath().toString());
        pb.environment().put("GO111MODULE", "off");
        pb.environment().put("GOPATH", "/usr/share/gocode");
        pb.environment().put("GOCACHE", Path.of("target/go-cache").toAbsolutePath().toString());
        pb.environment().put("GOFLAGS", "");
        ChildProcess.run(pb.redirectErrorStream(true), Duration.ofMinutes(5)).orThrow("go build multus-delegate (needs golang-go and "
                + "golang-github-appc-cni-dev: scripts/install-deps test)");
        return BINARY;
    }

    public record Outcome(int exit, String output) {
    }

    /**
     * One delegate call: {@code command} add, check or del; {@code conf} the NetworkAttachmentDefinition's
     * config; {@code cniArgs} the network selection element's cni-args as JSON, or null.
     */
    public Outcome run(String command, Path conf, String containerId, Path netns, String ifName, String podNamespace,
                       String podName, String podUid, String cniArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary().toAbsolutePath().toString(), command, conf.toString(), containerId,
                netns.toString(), ifName, podNamespace, podName, podUid));
        if (cniArgs != null) {
            cmd.add(cniArgs);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        ChildProcess.Result r = ChildProcess.await(node.call(pb.redirectErrorStream(true)::start), Duration.ofMinutes(2),
                "multus-delegate " + command + " " + ifName);
        return new Outcome(r.exitCode(), r.output());
    }
}
