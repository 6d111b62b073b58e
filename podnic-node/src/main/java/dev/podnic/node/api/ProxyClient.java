package dev.podnic.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Talks to the node daemon: one request, one response per connection. */
public final class ProxyClient {
    private final Path socket;
    private final ObjectMapper json = new ObjectMapper();

    public ProxyClient(Path socket) {
        this.socket = socket;
    }

    public JsonNode call(ProxyRequest r) throws IOException {
        ObjectNode o = json.createObjectNode();
        o.put("apiVersion", r.apiVersion()).put("op", r.op()).put("netns", r.netns()).put("ifName", r.ifName())
                .put("vmi", r.vmi()).put("network", r.network());
        return raw(json.writeValueAsString(o) + "\n");
    }

    /** Sends {@code text} as is (tests use it for malformed requests) and reads the answer. */
    public JsonNode raw(String text) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.shutdownOutput();
            try (InputStream in = Channels.newInputStream(ch)) {
                return json.readTree(in.readAllBytes());
            }
        }
    }

    /** For a client process started inside a pod's namespace: {@code ProxyClient SOCKET OP NETNS IFNAME VMI}. */
    public static void main(String[] args) throws IOException {
        JsonNode answer = new ProxyClient(Path.of(args[0]))
                .call(new ProxyRequest(ProxyRequest.API_VERSION, args[1], args[2], args[3], args[4], args.length > 5 ? args[5] : ""));
        System.out.println(answer);
    }
}
