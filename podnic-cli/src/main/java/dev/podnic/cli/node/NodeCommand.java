package dev.podnic.cli.node;

import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.port.OwnedTap;
import dev.podnic.cli.HostPort;
import dev.podnic.cli.UserError;
import dev.podnic.cli.cni.CniOptions;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.invoke.ProcessPluginExec;
import dev.podnic.kubevirt.cni.BindingStateDirs;
import dev.podnic.kubevirt.cni.HostBinding;
import dev.podnic.kubevirt.cni.Housekeeping;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.UnixServer;
import dev.podnic.node.server.GcPass;
import dev.podnic.node.server.Limits;
import dev.podnic.node.server.NodeServer;
import dev.podnic.node.server.NodeService;
import dev.podnic.store.DirectoryTree;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "node", description = {"The node daemon: a CNI proxy that runs the node's CNI configuration and plugins "
        + "for launchers in pods, over a Unix socket. A caller may only act on VMI interfaces in its own network namespace "
        + "(learned from the kernel). Every attachment is in a durable ledger before its plugins run; attachments whose pod "
        + "vanished, and those a crash interrupted, are freed at start and every --gc-interval. It also serves the KubeVirt "
        + "network binding on --binding-socket: podnic-shim's calls from Multus, answered by wiring the launcher pod from the host.",
        "",
        "  podnic node --socket /run/podnic/node.sock --node-netns /run/netns/node",
        "  podnic node ls",
        "  podnic node agent --node-name $NODE_NAME   (on Kubernetes, beside the daemon)"},
        subcommands = {NodeLs.class, NodeAgentCommand.class})
public final class NodeCommand implements Callable<Integer> {
    /** The admin socket's name in the state directory, unless --admin-socket says otherwise. */
    public static final String ADMIN_SOCKET = "admin.sock";
    /** The KubeVirt binding's socket in the state directory: where podnic-shim looks by default. */
    public static final String BINDING_SOCKET = "binding.sock";

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/podnic/node.sock", description = "API socket (default: ${DEFAULT-VALUE}).")
    Path socket;
    @Option(names = "--socket-mode", paramLabel = "OCTAL", defaultValue = "660", description = "Socket permissions (default: ${DEFAULT-VALUE}).")
    String socketMode;
    @Option(names = "--admin-socket", paramLabel = "PATH",
            description = "Admin API socket for the node agent (`podnic node agent`): lists every attachment and frees a deleted "
                    + "VM's. Mode 600; never share its directory with launcher pods. \"off\" disables "
                    + "(default: STATE-DIR/admin.sock).")
    String adminSocket;
    @Option(names = "--binding-socket", paramLabel = "PATH",
            description = "Socket of podnic's KubeVirt network binding: podnic-shim (the CNI plugin Multus runs, installed by "
                    + "`podnic install-cni`) forwards its calls here; only root in the node's network namespace is served. Keep it "
                    + "out of every pod's reach. \"off\" disables (default: STATE-DIR/binding.sock, where podnic-shim looks).")
    String bindingSocket;
    @Option(names = "--qemu-uid", paramLabel = "UID", defaultValue = "" + OwnedTap.KUBEVIRT_QEMU_UID,
            description = "Owner of the taps the KubeVirt binding prepares: the user QEMU runs as in virt-launcher (default: ${DEFAULT-VALUE}).")
    int qemuUid;
    @Option(names = "--sandbox-resolv-conf", paramLabel = "TEMPLATE",
            defaultValue = "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/{id}/resolv.conf",
            description = "Where the container runtime keeps a pod's resolv.conf, {id} being the sandbox (CNI_CONTAINERID): the "
                    + "KubeVirt binding hands its DNS to the guest when CNI gives none. CRI-O: "
                    + "/var/run/containers/storage/overlay-containers/{id}/userdata/resolv.conf (default: ${DEFAULT-VALUE}).")
    String sandboxResolvConf;
    @Option(names = "--netns-dir", paramLabel = "DIR", defaultValue = "/var/run/netns",
            description = "Where the container runtime pins pod network namespaces: a launcher that sends no netns path "
                    + "(it only knows /proc/self/ns/net) is found here (default: ${DEFAULT-VALUE}).")
    Path netnsDir;
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/podnic/node",
            description = "The ledger (keep it on disk: it frees addresses after a reboot), and the daemon's own CNI cache "
                    + "unless --cache-dir puts it elsewhere (deploy/node-daemon.yaml: /run/podnic-node/cni-cache, a tmpfs; "
                    + "never the kubelet's /var/lib/cni) (default: ${DEFAULT-VALUE}).")
    Path stateDir;
    @Option(names = "--binding-state-dir", paramLabel = "DIR",
            description = "The KubeVirt binding's state per attachment: the engine's records, the DHCP servers' lease files and "
                    + "logs. None of it outlives the node's pods, so a tmpfs suits it (deploy/node-daemon.yaml: "
                    + "/run/podnic-node/kubevirt; on ext4 an ADD pays ~1 ms more for its writes). Attachments made before it "
                    + "moved stay in <state-dir>/kubevirt until they are freed (default: <state-dir>/kubevirt).")
    Path bindingStateDir;
    @Option(names = "--net", paramLabel = "NAME", description = "Default CNI network (default: the first in --conf-dir).")
    String network;
    @Option(names = "--allow-network", paramLabel = "NAME", split = ",",
            description = "A CNI network launchers may request (repeatable; default: only the default network, --net). Any other "
                    + "is refused: a pod must not reach networks the operator did not mean for VMs.")
    List<String> allowedNetworks = new ArrayList<>();
    @Option(names = "--max-interfaces-per-pod", paramLabel = "N", defaultValue = "16",
            description = "VMI interfaces one pod may hold at once; each takes an IP from the node's pool, which the kubelet's "
                    + "pods share (default: ${DEFAULT-VALUE}).")
    int maxInterfacesPerPod;
    @Option(names = "--gc-interval", paramLabel = "SECONDS", defaultValue = "60", description = "Garbage collection period (default: ${DEFAULT-VALUE}).")
    int gcSeconds;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "32", description = "Requests served at once (default: ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
            description = "Prometheus /metrics and /healthz; \"off\" disables (default: ${DEFAULT-VALUE}).")
    String metricsAddress;
    @Mixin CniOptions cni;
    @Spec CommandSpec spec;

    /** How long a stopping daemon waits for the removal of links its last DELs left (each takes ~30-50 ms). */
    private static final Duration UNWIRING_GRACE = Duration.ofSeconds(10);
    /** How long a SIGTERM waits for the daemon's clean-up (above it: the removals, the servers closing). */
    private static final Duration STOP_GRACE = UNWIRING_GRACE.plusSeconds(10);

    private static AutoCloseable publish(AtomicReference<NodeServer> ref, NodeServer server) {
        ref.set(server);
        return () -> ref.set(null);
    }

    /** One logfmt line: easy for people, and for log shippers to parse. */
    private static synchronized void log(PrintWriter err, String level, String msg, String fields) {
        err.printf("ts=%s level=%s component=podnic-node msg=\"%s\" %s%n", java.time.Instant.now(), level, msg, fields);
        err.flush();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        // The daemon keeps its own CNI cache so that GC never sees (or deletes) the kubelet's attachments: in its state
        // dir, or where --cache-dir says (deploy/node-daemon.yaml: the node's tmpfs; the ledger holds every ADD's result).
        Path ownCache = stateDir.resolve("cni-cache");
        Path cache = spec.commandLine().getParseResult().hasMatchedOption("--cache-dir") ? cni.cacheDir() : ownCache;
        String defaultNet = cni.network(network).name();
        NetnsThread node = cni.nodeNetns() == null ? null : NetnsThread.enter(cni.nodeNetns());
        CountDownLatch stopped = new CountDownLatch(1); // what a SIGTERM waits for before the JVM halts
        try (ProcessPluginExec exec = node == null ? new ProcessPluginExec() : new ProcessPluginExec(node);
             DhcpServers dhcpServers = new DhcpServers(failure -> log(err, "error", "DHCP server failed",
                     "detail=\"" + failure.replace('"', '\'') + "\""))) {
            CniRuntime runtime = cni.runtime(exec, cache);
            if (!cache.toAbsolutePath().normalize().equals(ownCache.toAbsolutePath().normalize()) && Files.isDirectory(ownCache)) {
                // Kept in the state dir by an earlier start: never read again (a DEL takes its prevResult from the ledger).
                DirectoryTree.remove(ownCache);
                log(err, "info", "removed the CNI cache kept in the state dir before", "dir=" + ownCache + " now=" + cache);
            }
            Ledger ledger = new Ledger(stateDir.resolve("ledger"), (file, why) -> log(err, "warn", "ledger entry quarantined",
                    "file=" + file + " why=\"" + why.replace('"', '\'') + "\""));
            if (maxInterfacesPerPod < 1) {
                throw new UserError("--max-interfaces-per-pod " + maxInterfacesPerPod + ": must be at least 1");
            }
            Set<String> allowed = new TreeSet<>(allowedNetworks.isEmpty() ? List.of(defaultNet) : allowedNetworks);
            for (String name : allowed) {
                cni.configDirectory().load(name); // a name that is not configured fails here, with the file it looked in
            }
            NodeService service = new NodeService(runtime, cni.configDirectory(), defaultNet, ledger, netnsDir,
                    new Limits(maxInterfacesPerPod, allowed), refusal -> log(err, "warn", "refused", refusal));
            service.metrics().dhcpServers(dhcpServers::size);
            Duration gcInterval = Duration.ofSeconds(gcSeconds);
            AtomicReference<NodeServer> apiServer = new AtomicReference<>(); // for /healthz, once it serves
            if (!metricsAddress.equals("off")) {
                // Stuck: a request served for longer than a plugin may take twice (its ADD, then the DEL of a failed ADD).
                Duration stuckAfter = Duration.ofSeconds(Math.max(300, 2L * cni.timeoutSeconds() + 60));
                service.metrics().serve(HostPort.parse("--metrics-address", metricsAddress), () -> service.problem(gcInterval)
                        .or(() -> Optional.ofNullable(apiServer.get()).flatMap(s -> s.stuck(stuckAfter))));
                log(err, "info", "metrics", "address=http://" + metricsAddress + "/metrics");
            }
            Path admin = adminSocket == null ? stateDir.resolve(ADMIN_SOCKET) : adminSocket.equals("off") ? null : Path.of(adminSocket);
            Path bindingPath = bindingSocket == null ? stateDir.resolve(BINDING_SOCKET) : bindingSocket.equals("off") ? null
                    : Path.of(bindingSocket);
            // Multus calls from where the plugins run: the node's namespace (--node-netns, else the daemon's own).
            NetnsIdentity multus = cni.nodeNetns() != null ? NetnsIdentity.of(cni.nodeNetns())
                    : NetnsIdentity.ofProcess(ProcessHandle.current().pid());
            Path bindingStateBefore = stateDir.resolve("kubevirt"); // (the only place before --binding-state-dir)
            BindingStateDirs bindingState = new BindingStateDirs(bindingStateDir == null ? bindingStateBefore : bindingStateDir,
                    bindingStateBefore);
            // Root's alone: the guests' leases and the servers' logs (on a node's /run, made anew at each boot).
            Files.createDirectories(bindingState.dir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            HostBinding binding = new HostBinding(service, bindingState, Path.of("/usr/sbin/dnsmasq"), dhcpServers, qemuUid, multus,
                    id -> Path.of(sandboxResolvConf.replace("{id}", id)), line -> log(err, "info", "KubeVirt binding", "what=\"" + line.replace('"', '\'') + "\""));
            Housekeeping housekeeping = new Housekeeping(service, binding.attachments());
            Housekeeping.StartUp startUp = housekeeping.startUp();
            GcPass first = startUp.gc();
            log(err, "info", "start-up GC", String.format("freed=%d failures=%d dhcp-resumed=%d millis=%.0f", first.freed().size(),
                    first.failures().size(), startUp.resumed(), startUp.millis()));
            first.failures().forEach(f -> log(err, "warn", "GC could not free", "what=\"" + f.replace('"', '\'') + "\""));
            CountDownLatch stop = new CountDownLatch(1);
            ScheduledExecutorService gc = Executors.newSingleThreadScheduledExecutor();
            try (NodeServer server = new NodeServer(UnixServer.bind(socket, Integer.parseInt(socketMode, 8)), service, workers).start();
                 AutoCloseable published = publish(apiServer, server);
                 NodeServer adminServer = admin == null ? null : NodeServer.admin(UnixServer.bind(admin, 0600), service).start();
                 NodeServer bindingServer = bindingPath == null ? null
                         : new NodeServer(UnixServer.bind(bindingPath, 0600), service, binding, workers).start()) {
                gc.scheduleWithFixedDelay(() -> {
                    // Nothing may end the periodic GC: an exception would cancel it for good, silently.
                    try {
                        long t0 = System.nanoTime();
                        GcPass pass = housekeeping.pass();
                        if (!pass.freed().isEmpty() || !pass.failures().isEmpty()) {
                            log(err, "info", "GC", String.format("freed=%d failures=%d millis=%.0f", pass.freed().size(),
                                    pass.failures().size(), (System.nanoTime() - t0) / 1e6));
                        }
                        pass.failures().forEach(f -> log(err, "warn", "GC could not free", "what=\"" + f.replace('"', '\'') + "\""));
                    } catch (RuntimeException e) {
                        log(err, "error", "GC pass failed; the next one runs as planned", "error=\"" + String.valueOf(e).replace('"', '\'') + "\"");
                    }
                }, gcSeconds, gcSeconds, TimeUnit.SECONDS);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try { // the JVM halts once the hooks are done: the clean-up below must have run by then
                        stopped.await(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                log(err, "info", "serving", "socket=" + socket + " admin-socket=" + (admin == null ? "off" : admin)
                        + " binding-socket=" + (bindingPath == null ? "off" : bindingPath) + " network=" + defaultNet
                        + " allowed-networks=" + String.join(",", allowed) + " max-interfaces-per-pod=" + maxInterfacesPerPod
                        + " attachments=" + service.attachments().size());
                stop.await();
            } finally {
                gc.shutdownNow();
                // No call comes any more: the bridges and taps of the DELs answered last are removed now, not at the next start.
                if (!binding.attachments().awaitUnwiring(UNWIRING_GRACE)) {
                    log(err, "warn", "stopping before every DEL's bridge and tap were removed", "detail=\"the next start removes them\"");
                }
                service.metrics().close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
            stopped.countDown();
        }
        return 0;
    }
}
