package dev.podnic.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.testing.ChildProcess;
import dev.podnic.node.api.NodeRequest;
import dev.podnic.node.api.NodeWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A launcher stand-in that starts in milliseconds: perl (Essential on Debian, with IO::Socket::UNIX
 * in perl-base) sending one request line from inside a pod's namespace. Used where a JVM per
 * request would be too slow (many concurrent pods).
 */
final class PerlClient {
    static final String SCRIPT = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), "
            + "Peer => $ARGV[0]) or die \"connect: $!\\n\"; print $s $ARGV[1] . \"\\n\"; shutdown($s, 1); "
            + "local $/; my $r = <$s>; print $r;";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PerlClient() {
    }

    static JsonNode call(NetnsThread pod, Path socket, String requestJson) throws Exception {
        Process p = pod.call(new ProcessBuilder("perl", "-e", SCRIPT, socket.toString(), requestJson).redirectErrorStream(true)::start);
        return JSON.readTree(ChildProcess.await(p, Duration.ofSeconds(120), "perl client").output());
    }

    /** The request line as the launcher's client writes it (the perl script adds the newline). */
    static String request(String op, String netns, String ifName, String vmi) {
        return new String(NodeWire.request(NodeRequest.attachment(op, netns, ifName, vmi, "")), StandardCharsets.UTF_8).strip();
    }
}
