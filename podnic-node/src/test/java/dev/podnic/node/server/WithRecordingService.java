package dev.podnic.node.server;

import static dev.podnic.cni.testing.RecordingPluginExec.ok;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.testing.RecordingPluginExec;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.PeerCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The node service with a recording fake of the plugins; a plain file stands in for a namespace. */
abstract class WithRecordingService {
    static final String RESULT = "{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.9.0.5/24\"}]}";

    @TempDir
    Path tmp;
    final RecordingPluginExec exec = new RecordingPluginExec().plugin("modern", "1.0.0", "1.1.0")
            .on("modern", "ADD", c -> ok(RESULT));
    NodeService service;
    Path netns;
    NetnsIdentity me;

    @BeforeEach
    void setUp() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-net.conflist"), "{\"cniVersion\":\"1.1.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"modern\"}]}");
        service = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp);
        netns = Files.createFile(tmp.resolve("pod-netns"));
        me = NetnsIdentity.of(netns);
    }

    /** The runtime over the recording plugins, its cache in {@code tmp}: a service's, or a restarted one's on the same state. */
    CniRuntime cni() {
        return new CniRuntime(List.of(RecordingPluginExec.BIN), tmp.resolve("cache"), Duration.ofSeconds(5), exec);
    }

    ConfigDirectory configs() {
        return new ConfigDirectory(tmp.resolve("net.d"), new ConfigParser());
    }

    JsonNode handle(String json) {
        return new LauncherRequests(service).handle(Caller.assumed(new PeerCredentials(1, 0, 0), me, netns), json.getBytes(StandardCharsets.UTF_8));
    }

    String req(String op, String ifName) {
        return "{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"" + op + "\",\"netns\":\"" + netns + "\",\"ifName\":\"" + ifName
                + "\",\"vmi\":\"uid-1\"}";
    }

    /** An ADD whose caller proceeds later (the KubeVirt binding, opening the pod meanwhile). */
    java.util.concurrent.CompletableFuture<Attached> addProceedingLater(java.util.concurrent.CompletableFuture<Void> proceed) {
        Caller caller = Caller.assumed(new PeerCredentials(1, 0, 0), me, netns);
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> service.add(caller,
                new AttachmentRequest(netns.toString(), "vmi0", "uid-1", ""), (ns, ifName) -> false,
                java.util.concurrent.CompletableFuture.completedFuture(null), proceed));
    }

    static void swap(Path ledger, Path aside, boolean out) {
        try {
            if (out) {
                Files.move(ledger, aside);
                Files.writeString(ledger, "not a directory");
            } else {
                Files.delete(ledger);
                Files.move(aside, ledger);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
