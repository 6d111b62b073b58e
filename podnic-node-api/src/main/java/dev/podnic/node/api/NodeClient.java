package dev.podnic.node.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Talks to the node daemon (proxy or admin socket): one request, one response per connection. */
public final class NodeClient implements NodeApi {
    private final Path socket;

    public NodeClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    @Override
    public NodeResponse call(NodeRequest r) throws IOException {
        return exchange(NodeWire.request(r));
    }

    /** Sends {@code text} as is (tests use it for malformed requests) and reads the answer. */
    public NodeResponse raw(String text) throws IOException {
        return exchange(text.getBytes(StandardCharsets.UTF_8));
    }

    private NodeResponse exchange(byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (SocketException | java.nio.file.NoSuchFileException e) {
                throw new NodeUnavailableException("no node daemon answers at " + socket + ": " + e.getMessage(), e);
            }
            IOException writeFailed = null;
            try {
                ByteBuffer b = ByteBuffer.wrap(request);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.shutdownOutput();
            } catch (IOException e) {
                // A daemon that answers at once ("busy, try again") may close before reading: its answer counts.
                writeFailed = e;
            }
            byte[] answer;
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (InputStream in = Channels.newInputStream(ch)) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (IOException e) {
                if (got.size() == 0) {
                    throw new NodeUnavailableException("the node daemon at " + socket + " went away: " + e.getMessage(), e);
                }
                // an answer came, then the connection was reset (our unread request): the answer counts
            }
            answer = got.toByteArray();
            if (answer.length == 0 && writeFailed != null) {
                throw new NodeUnavailableException("the node daemon at " + socket + " went away: " + writeFailed.getMessage(), writeFailed);
            }
            return NodeWire.readResponse(answer);
        }
    }

    /** For a client process started inside a pod's namespace: {@code NodeClient SOCKET OP NETNS IFNAME VMI [NETWORK]}. */
    public static void main(String[] args) throws IOException {
        NodeResponse answer = new NodeClient(Path.of(args[0]))
                .call(NodeRequest.attachment(args[1], args[2], args[3], args[4], args.length > 5 ? args[5] : ""));
        System.out.println(answer);
    }
}
