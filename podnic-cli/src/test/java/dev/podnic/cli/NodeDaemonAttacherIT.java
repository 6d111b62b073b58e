package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;

import dev.podnic.binding.attach.AttacherContract;
import dev.podnic.binding.attach.NodeDaemonAttacher;
import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.config.ConfigDirectory;
import dev.podnic.cni.config.ConfigParser;
import dev.podnic.node.api.NodeClient;
import dev.podnic.node.api.NodeWire;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.PeerCredentials;
import dev.podnic.node.server.LauncherRequests;
import dev.podnic.node.server.NodeService;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The launcher's way to VMI interfaces — {@link NodeDaemonAttacher} over the daemon's wire format to
 * the daemon's {@link NodeService} running Debian's plugins — held to the attacher contract. The
 * test plays the kernel's part of naming the caller (the pod's namespace; NodeServerIT has the
 * kernel do it, from clients started inside pods), so this runs in one process. Like a launcher in a
 * container, the attacher knows only {@code /proc/self/ns/net}: the daemon finds the pod's pinned
 * namespace itself. (It lives here, where every module meets: the binding never imports the daemon,
 * not even in its tests.)
 */
class NodeDaemonAttacherIT extends WithRealPod {
    private ServerSocketChannel socket;
    private Thread server;

    @Override
    protected String subnet() {
        return "10.250.15.0/24";
    }

    @BeforeEach
    void daemon() throws IOException {
        Path conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.write(conf.resolve("10-podnet.conflist"), net.bytes());
        NodeService service = new NodeService(cni, new ConfigDirectory(conf, new ConfigParser()), "podnet",
                new Ledger(tmp.resolve("ledger")), Path.of("/run/netns"));
        NetnsIdentity podIdentity = NetnsIdentity.of(path(pod));
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(tmp.resolve("node.sock")));
        server = new Thread(() -> serve(service, podIdentity), "test-node-daemon");
        server.setDaemon(true);
        server.start();
    }

    private void serve(NodeService service, NetnsIdentity caller) {
        while (socket.isOpen()) {
            try (SocketChannel c = socket.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (c.read(buf) >= 0 && (buf.position() == 0 || buf.get(buf.position() - 1) != '\n')) {
                    // until the request's newline
                }
                byte[] body = Arrays.copyOf(buf.array(), buf.position());
                Caller asserted = Caller.assumed(new PeerCredentials(1, 0, 0), caller, path(pod));
                c.write(ByteBuffer.wrap(NodeWire.response(new LauncherRequests(service).handle(asserted, body))));
            } catch (IOException closed) {
                return;
            }
        }
    }

    @AfterEach
    void stopDaemon() throws Exception {
        socket.close();
        server.join(10_000);
    }

    @Nested
    class Contract extends AttacherContract {
        @Override
        protected Subject subject() {
            return new Subject(new NodeDaemonAttacher(new NodeClient(tmp.resolve("node.sock")), Path.of("/proc/self/ns/net"), ""),
                    podOps, NodeDaemonAttacherIT.this::allocatedAddresses, () -> namespaces.delete(pod));
        }
    }
}
