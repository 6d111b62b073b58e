package dev.podnic.node.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnic.netlink.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pinning a caller against the real kernel: the PID race made deterministic — the client connects
 * and is gone (its PID free for reuse) before the daemon gets to it.
 */
class CallerIT {
    private static final String CONNECT_AND_EXIT = "use IO::Socket::UNIX; IO::Socket::UNIX->new(Type => SOCK_STREAM(), "
            + "Peer => $ARGV[0]) or die \"connect: $!\\n\"; exit 0;";
    private static final String CONNECT_AND_WAIT = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), "
            + "Peer => $ARGV[0]) or die \"connect: $!\\n\"; sleep 30;";

    @TempDir
    Path tmp;

    @Test
    void aCallerThatIsGoneBeforeItIsIdentifiedIsRefused() throws Exception {
        try (UnixServer server = UnixServer.bind(tmp.resolve("s.sock"), 0600)) {
            ChildProcess.Result r = ChildProcess.run(new ProcessBuilder("perl", "-e", CONNECT_AND_EXIT, server.path().toString()),
                    Duration.ofSeconds(30)); // connected, exited and reaped: its PID may now belong to anyone
            assertThat(r.exitCode()).as(r.output()).isZero();
            try (UnixConnection c = server.accept()) {
                assertThatThrownBy(() -> Caller.pin(c)).isInstanceOf(RequestException.class)
                        .hasMessageContaining("exited before it was identified")
                        .satisfies(e -> assertThat(((RequestException) e).kind()).isEqualTo(RequestException.Kind.GONE));
            }
        }
    }

    @Test
    void aLiveCallerIsPinnedToItsNamespaceForAsLongAsTheRequestLasts() throws Exception {
        try (UnixServer server = UnixServer.bind(tmp.resolve("s.sock"), 0600)) {
            Process client = new ProcessBuilder("perl", "-e", CONNECT_AND_WAIT, server.path().toString()).start();
            try (UnixConnection c = server.accept(); Caller caller = Caller.pin(c)) {
                assertThat(caller.credentials().pid()).isEqualTo(client.pid());
                assertThat(caller.netns()).isEqualTo(NetnsIdentity.ofProcess(client.pid()));
                client.destroyForcibly().waitFor();
                assertThat(NetnsIdentity.of(caller.namespace())).as("still open after the caller died").isEqualTo(caller.netns());
            } finally {
                client.destroyForcibly();
            }
        }
    }
}
