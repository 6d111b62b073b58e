package dev.podnic.cli.node;

import dev.podnic.cli.HostPort;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.UnixServer;
import dev.podnic.node.server.NodeServer;
import dev.podnic.node.server.NodeService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "node", description = {"The node daemon: a CNI proxy that runs the node's CNI configuration and plugins "
        + "for launchers in pods, over a Unix socket. A caller may only act on VMI interfaces in its own network namespace "
        + "(learned from the kernel). Every attachment is in a durable ledger before its plugins run; attachments whose pod "
        + "vanished, and those a crash interrupted, are freed at start and every --gc-interval.",
        "",
        "  podnic node --socket /run/podnic/node.sock --node-netns /run/netns/node",
        "  podnic node ls",
        "  podnic node agent --node-name $NODE_NAME   (on Kubernetes, beside the daemon)"},
        subcommands = {NodeLs.class, NodeAgentCommand.class})
public final class NodeCommand implements Callable<Integer> {
    /** The admin socket's name in the state directory, unless --admin-socket says otherwise. */
    public static final String ADMIN_SOCKET = "admin.sock";

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/podnic/node.sock", description = "API socket (default: ${DEFAULT-VALUE}).")
    Path socket;
    @Option(names = "--socket-mode", paramLabel = "OCTAL", defaultValue = "660", description = "Socket permissions (default: ${DEFAULT-VALUE}).")
    String socketMode;
    @Option(names = "--admin-socket", paramLabel = "PATH",
            description = "Admin API socket for the node agent (`podnic node agent`): lists every attachment and frees a deleted "
                    + "VM's. Mode 600; never share its directory with launcher pods. \"off\" disables "
                    + "(default: STATE-DIR/admin.sock).")
    String adminSocket;
    @Option(names = "--netns-dir", paramLabel = "DIR", defaultValue = "/var/run/netns",
            description = "Where the container runtime pins pod network namespaces: a launcher that sends no netns path "
                    + "(it only knows /proc/self/ns/net) is found here (default: ${DEFAULT-VALUE}).")
    Path netnsDir;
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/podnic/node",
            description = "Ledger and the daemon's own CNI cache (default: ${DEFAULT-VALUE}).")
    Path stateDir;
    @Option(names = "--net", paramLabel = "NAME", description = "Default CNI network (default: the first in --conf-dir).")
    String network;
    @Option(names = "--gc-interval", paramLabel = "SECONDS", defaultValue = "60", description = "Garbage collection period (default: ${DEFAULT-VALUE}).")
    int gcSeconds;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "32", description = "Requests served at once (default: ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
            description = "Prometheus /metrics and /healthz; \"off\" disables (default: ${DEFAULT-VALUE}).")
    String metricsAddress;
    @Mixin CniOptions cni;
    @Spec CommandSpec spec;

    /** One logfmt line: easy for people, and for log shippers to parse. */
    private static synchronized void log(PrintWriter err, String level, String msg, String fields) {
        err.printf("ts=%s level=%s component=podnic-node msg=\"%s\" %s%n", java.time.Instant.now(), level, msg, fields);
        err.flush();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // The daemon keeps its own CNI cache so that GC never sees (or deletes) the kubelet's attachments.
        Path cache = spec.commandLine().getParseResult().hasMatchedOption("--cache-dir") ? null : stateDir.resolve("cni-cache");
        String defaultNet = cni.network(network).name();
        NetnsThread node = cni.nodeNetns() == null ? null : NetnsThread.enter(cni.nodeNetns());
        try (ProcessPluginExec exec = node == null ? new ProcessPluginExec() : new ProcessPluginExec(node)) {
            CniRuntime runtime = cache == null ? cni.runtime(exec) : cni.runtime(exec, cache);
            NodeService service = new NodeService(runtime, cni.configDirectory(), defaultNet, new Ledger(stateDir.resolve("ledger")),
                    netnsDir);
            if (!metricsAddress.equals("off")) {
                service.metrics().serve(HostPort.parse("--metrics-address", metricsAddress));
                log(err, "info", "metrics", "address=http://" + metricsAddress + "/metrics");
            }
            Path admin = adminSocket == null ? stateDir.resolve(ADMIN_SOCKET) : adminSocket.equals("off") ? null : Path.of(adminSocket);
            long started = System.nanoTime();
            List<LedgerEntry> freed = service.collectGarbage(true);
            log(err, "info", "start-up GC", String.format("freed=%d millis=%.0f", freed.size(), (System.nanoTime() - started) / 1e6));
            CountDownLatch stop = new CountDownLatch(1);
            ScheduledExecutorService gc = Executors.newSingleThreadScheduledExecutor();
            try (NodeServer server = new NodeServer(UnixServer.bind(socket, Integer.parseInt(socketMode, 8)), service, workers).start();
                 NodeServer adminServer = admin == null ? null : NodeServer.admin(UnixServer.bind(admin, 0600), service).start()) {
                gc.scheduleWithFixedDelay(() -> {
                    long t0 = System.nanoTime();
                    List<LedgerEntry> f = service.collectGarbage(false);
                    if (!f.isEmpty()) {
                        log(err, "info", "GC", String.format("freed=%d millis=%.0f", f.size(), (System.nanoTime() - t0) / 1e6));
                    }
                }, gcSeconds, gcSeconds, TimeUnit.SECONDS);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                log(err, "info", "serving", "socket=" + socket + " admin-socket=" + (admin == null ? "off" : admin) + " network=" + defaultNet + " attachments="
                        + service.attachments().size());
                stop.await();
            } finally {
                gc.shutdownNow();
                service.metrics().close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
        return 0;
    }
}
