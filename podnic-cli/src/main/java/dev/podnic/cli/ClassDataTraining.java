package dev.podnic.cli;

import dev.podnic.cni.invoke.ProcessLaunch;
import dev.podnic.json.JsonTrees;
import dev.podnic.netlink.sys.NativeLibraryPath;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of podnic's class-data archive ({@code deploy/image/podnic-class-data}): runs the
 * commands whose start-up is on a VM's path — {@code --version}, {@code cni add/check/del},
 * {@code node ls}, {@code vmi up} up to its first request to the node daemon, the KubeVirt sidecar
 * through Info, OnDefineDomain and Shutdown — through {@link Main#run},
 * against harmless local stand-ins (a shell-script CNI plugin, a ledger in a scratch directory, a
 * socket that accepts and closes), so that the JVM's list of loaded classes covers them. Nothing here
 * needs privileges or touches a network; a command that fails only loads fewer classes, so failures
 * are reported and the run goes on. Not a test: the archive's coverage is tested by ClassDataIT.
 */
public final class ClassDataTraining {
    /** Answers VERSION, ADD (one interface, one address), CHECK and DEL as a real plugin would. */
    private static final String PLUGIN = """
            #!/bin/sh
            cat >/dev/null
            case "$CNI_COMMAND" in
              VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}' ;;
              ADD) echo '{"cniVersion":"1.0.0","interfaces":[{"name":"'"$CNI_IFNAME"'","mac":"02:70:64:00:00:01",\
            "sandbox":"'"$CNI_NETNS"'"}],"ips":[{"address":"10.99.0.2/24","gateway":"10.99.0.1","interface":0}],\
            "routes":[{"dst":"0.0.0.0/0","gw":"10.99.0.1"}],"dns":{"nameservers":["10.99.0.10"]}}' ;;
            esac
            """;

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        ProcessLaunch.preferVfork();
        NativeLibraryPath.setUnlessSet();
        Path work = Files.createTempDirectory("podnic-class-data");
        try {
            int failed = train(work);
            System.err.println("podnic-class-data: training done" + (failed == 0 ? "" : " (" + failed + " commands failed; "
                    + "their classes after the failure are not in the archive)"));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static int train(Path work) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path plugin = bin.resolve("podnic-training");
        Files.writeString(plugin, PLUGIN);
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path confDir = Files.createDirectories(work.resolve("net.d"));
        Files.writeString(confDir.resolve("10-training.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"training\",\"plugins\":"
                + "[{\"type\":\"podnic-training\",\"ipam\":{\"type\":\"host-local\"}},{\"type\":\"podnic-training\"}]}");
        List<String> cni = List.of("--net", "training", "--conf-dir", confDir.toString(), "--bin-dir", bin.toString(),
                "--cache-dir", work.resolve("cache").toString(), "--netns", "/proc/self/ns/net", "--ifname", "vmi0",
                "--container-id", "training");
        int failed = 0;
        failed += run("--version");
        failed += run(concat(List.of("cni", "add"), cni));
        failed += run(concat(List.of("cni", "check"), cni));
        failed += run(concat(List.of("cni", "del"), cni));

        Path state = work.resolve("node");
        new Ledger(state.resolve("ledger")).put(new LedgerEntry("training", "vmi0", "training", "uid", "/proc/self/ns/net", 1, 2,
                LedgerEntry.State.ADDED, 0, System.currentTimeMillis(), JsonTrees.read("{}"),
                JsonTrees.read("{\"ips\":[{\"address\":\"10.99.0.2/24\"},{\"address\":\"fd00::2/64\"}]}"), null), false);
        failed += run("node", "ls", "--state-dir", state.toString());

        Path vmi = work.resolve("vmi.yaml");
        Files.writeString(vmi, """
                kind: VirtualMachine
                metadata: {name: training, namespace: default}
                spec:
                  domain:
                    devices:
                      interfaces:
                      - type: pod-network
                        mac: {address: "02:70:64:00:00:02"}
                        model: {type: virtio}
                """);
        Path socket = work.resolve("node.sock");
        try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            daemon.bind(UnixDomainSocketAddress.of(socket));
            Thread closer = new Thread(() -> acceptAndClose(daemon), "training-daemon");
            closer.setDaemon(true);
            closer.start();
            // Ends at its first request (the stand-in hangs up): that is the part of a launcher's start to cover.
            exitCode(List.of("vmi", "up", vmi.toString(), "--pod-netns", "/proc/self/ns/net", "--proxy", socket.toString(),
                    "--state-dir", work.resolve("vmi").toString(), "--dhcp", "dnsmasq", "--net", "training",
                    "--conf-dir", confDir.toString(), "--cache-dir", work.resolve("cache").toString()));
        }
        return failed;
    }

    /** Plays a node daemon that hangs up: the launcher's path up to its first request is what is timed. */
    private static void acceptAndClose(ServerSocketChannel daemon) {
        try {
            while (true) {
                try (SocketChannel c = daemon.accept()) {
                    c.shutdownOutput();
                }
            }
        } catch (IOException closed) {
            // the training is over
        }
    }

    private static int run(String... args) {
        return run(List.of(args));
    }

    /** 0 when the command succeeded, else 1 (and says so). */
    private static int run(List<String> args) {
        int code = exitCode(args);
        if (code != 0) {
            System.err.println("podnic-class-data: podnic " + String.join(" ", args) + ": exit " + code);
        }
        return code == 0 ? 0 : 1;
    }

    private static int exitCode(List<String> args) {
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
        try {
            return Main.run(args.toArray(String[]::new), discard, discard);
        } catch (RuntimeException e) {
            System.err.println("podnic-class-data: podnic " + String.join(" ", args) + ": " + e);
            return 1;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
