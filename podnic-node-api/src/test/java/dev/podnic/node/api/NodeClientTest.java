package dev.podnic.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real Unix socket served by the test: answers, refusals, and a daemon that is away. */
class NodeClientTest {
    @TempDir
    Path tmp;

    /** Serves one connection: reads the request line, answers what {@code answer} makes of it (null: hang up). */
    private CompletableFuture<String> serveOnce(Path socket, Function<String, String> answer) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return CompletableFuture.supplyAsync(() -> {
            try (server; SocketChannel c = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (c.read(buf) >= 0 && (buf.position() == 0 || buf.get(buf.position() - 1) != '\n')) {
                    // until the request's newline (or the client's shutdown)
                }
                String request = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
                String reply = answer.apply(request);
                if (reply != null) {
                    c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                }
                return request;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aCallSendsOneLineAndReadsTheAnswer() throws Exception {
        Path socket = tmp.resolve("node.sock");
        CompletableFuture<String> seen = serveOnce(socket, r -> "{\"apiVersion\":\"podnic.dev/v1\",\"ok\":true,\"attachments\":[]}\n");
        NodeResponse r = new NodeClient(socket).call(NodeRequest.of(NodeRequest.LIST));
        assertThat(r.ok()).isTrue();
        assertThat(r.get("attachments").isArray()).isTrue();
        assertThat(seen.get()).isEqualTo(new String(NodeWire.request(NodeRequest.of(NodeRequest.LIST)), StandardCharsets.UTF_8));
    }

    @Test
    void aDaemonThatHangsUpWithoutAnAnswerIsUnavailableNotARefusal() throws Exception {
        Path socket = tmp.resolve("node.sock");
        serveOnce(socket, r -> null);
        assertThatThrownBy(() -> new NodeClient(socket).call(NodeRequest.of(NodeRequest.LIST)))
                .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("without an answer");
    }

    @Test
    void noDaemonAtTheSocketIsUnavailable() {
        assertThatThrownBy(() -> new NodeClient(tmp.resolve("missing.sock")).call(NodeRequest.of(NodeRequest.LIST)))
                .isInstanceOf(NodeUnavailableException.class).hasMessageContaining("no node daemon answers at");
    }

    @Test
    void theAdminClientSaysWhatWasRefused() throws Exception {
        Path socket = tmp.resolve("admin.sock");
        serveOnce(socket, r -> "{\"apiVersion\":\"podnic.dev/v1\",\"ok\":false,\"error\":{\"code\":151,\"msg\":\"RELEASE needs \\\"vmi\\\"\"}}\n");
        assertThatThrownBy(() -> new AdminClient(socket).release(""))
                .hasMessage("node daemon refused RELEASE: RELEASE needs \"vmi\" (code 151)");
    }
}
