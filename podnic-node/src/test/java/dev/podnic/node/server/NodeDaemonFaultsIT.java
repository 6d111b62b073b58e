package dev.podnic.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.cni.ipam.HostLocalStore;
import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.UnixServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The daemon when its own resources fail: a state directory (ledger and CNI cache) that runs out of
 * space before and in the middle of an ADD. What cannot be recorded is not left behind, the caller
 * is told to retry, and freeing never needs space.
 */
class NodeDaemonFaultsIT extends WithNodeDaemon {
    @Test
    void aFullStateDirectoryRefusesNewAttachmentsCleanlyAndStillFrees() throws Exception {
        RealPlugins.script(tmp.resolve("bin"), "fill", "\"1.0.0\"", "cat >/dev/null\nif [ \"$CNI_COMMAND\" = ADD ]; then "
                + "dd if=/dev/zero of=" + tmp.resolve("state/.filler") + " bs=4k 2>/dev/null; echo '{\"cniVersion\":\"1.0.0\"}'; fi\nexit 0");
        Files.writeString(tmp.resolve("net.d/20-fillnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"fillnet\",\"plugins\":["
                + "{\"type\":\"fill\"},{\"type\":\"bridge\",\"bridge\":\"cni-fill\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + tmp.resolve("ipam") + "\","
                + "\"ranges\":[[{\"subnet\":\"10.253.7.0/24\"}]]}}]}");
        try (TinyFilesystem state = TinyFilesystem.mount(tmp.resolve("state"), 256)) {
            NodeService onTiny = new NodeService(new CniRuntime(List.of(tmp.resolve("bin"), Path.of(RealPlugins.DIR)),
                    state.dir().resolve("cache"), Duration.ofSeconds(30), exec),
                    new ConfigDirectory(tmp.resolve("net.d"), new ConfigParser()), "podnet", new Ledger(state.dir().resolve("ledger")),
                    NodeService.DEFAULT_NETNS_DIR, new Limits(Limits.DEFAULT_MAX_INTERFACES_PER_POD, Set.of("podnet", "fillnet")),
                    refusals::add);
            Path sock = tmp.resolve("tiny.sock");
            try (NodeServer tiny = new NodeServer(UnixServer.bind(sock, 0660), onTiny, 4).start()) {
                String pod = namespaces.create();
                assertThat(fromPod(sock, pod, "ADD", "", "vmi0", "uid-a", "").path("ok").asBoolean()).isTrue();

                state.fill();
                JsonNode refused = fromPod(sock, pod, "ADD", "", "vmi1", "uid-a", "");
                assertThat(code(refused)).as(refused.toString()).isEqualTo(CniError.TRY_AGAIN_LATER);
                assertThat(refused.path("error").path("msg").asText()).contains("No space left on device")
                        .contains("nothing was added").contains("--state-dir");
                assertThat(links(pod)).contains("vmi0").doesNotContain("vmi1");
                assertThat(allocations()).hasSize(1);
                assertThat(onTiny.attachments()).hasSize(1);
                assertThat(refusals).anyMatch(r -> r.startsWith("op=ADD") && r.contains("code=11"));

                // Freeing needs no space: the DEL goes through with the disk still full.
                assertThat(fromPod(sock, pod, "DEL", "", "vmi0", "uid-a", "").path("ok").asBoolean()).isTrue();
                assertThat(links(pod)).doesNotContain("vmi0");
                assertThat(allocations()).isEmpty();
                assertThat(onTiny.attachments()).isEmpty();

                // The disk fills during an ADD, after the ledger entry and before the runtime's cache write:
                // the chain is deleted again and the entry forgotten.
                state.free();
                JsonNode mid = fromPod(sock, pod, "ADD", "", "vmi0", "uid-a", "fillnet");
                assertThat(code(mid)).as(mid.toString()).isEqualTo(CniError.IO_FAILURE);
                assertThat(mid.path("error").path("msg").asText()).contains("cannot write result cache").contains("No space left");
                assertThat(links(pod)).doesNotContain("vmi0");
                assertThat(new HostLocalStore(tmp.resolve("ipam"), "fillnet").allocations()).isEmpty();
                assertThat(onTiny.attachments()).isEmpty();

                // Room again: the daemon serves as before.
                state.free();
                assertThat(fromPod(sock, pod, "ADD", "", "vmi0", "uid-a", "").path("ok").asBoolean()).isTrue();
                assertThat(fromPod(sock, pod, "DEL", "", "vmi0", "uid-a", "").path("ok").asBoolean()).isTrue();
                assertThat(onTiny.attachments()).isEmpty();
            }
        }
    }

    private static String links(String pod) {
        return TestNamespaces.ip("-n", pod, "-o", "link", "show");
    }
}
