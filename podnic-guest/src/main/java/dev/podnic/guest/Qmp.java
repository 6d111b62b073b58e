package dev.podnic.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A QEMU Machine Protocol client (QEMU's docs/interop/qmp-spec): one JSON object per line; the
 * greeting, then {@code qmp_capabilities}, then commands, each answered by {@code return} or
 * {@code error}; asynchronous {@code event}s in between are skipped. Hand-written because the
 * protocol is this small and no Java client is packaged; tested against the real QEMU (LiveMigrationIT).
 */
public final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;

    private Qmp(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        JsonNode greeting = read();
        if (!greeting.has("QMP")) {
            throw new IOException("not a QMP greeting: " + greeting);
        }
        execute("qmp_capabilities", null);
    }

    public static Qmp connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(socket));
            return new Qmp(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Runs one command; its {@code return} value, or an IOException carrying QEMU's error. */
    public synchronized JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode c = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            c.set("arguments", arguments);
        }
        channel.write(ByteBuffer.wrap((c + "\n").getBytes(StandardCharsets.UTF_8)));
        for (;;) {
            JsonNode answer = read();
            if (answer.has("return")) {
                return answer.get("return");
            }
            if (answer.has("error")) {
                throw new IOException("QMP " + command + ": " + answer.path("error").path("desc").asText(answer.toString()));
            }
            // an event: not the answer
        }
    }

    public static ObjectNode arguments() {
        return JSON.createObjectNode();
    }

    private JsonNode read() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QEMU closed its QMP socket");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
