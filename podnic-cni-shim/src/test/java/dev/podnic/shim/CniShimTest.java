package dev.podnic.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.node.api.CniCallWire;
import dev.podnic.node.api.CniCallWire.CniAnswer;
import dev.podnic.node.api.CniCallWire.CniCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real podnic-shim executable (as built and installed from this jar) against the daemon's side of
 * the wire format ({@link CniCallWire}): what it sends is byte-exact what the daemon decodes, what
 * the daemon answers reaches stdout and the exit status unchanged, and every way of not getting an
 * answer becomes a CNI error on stdout — code 11 where a retry can help.
 */
class CniShimTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnic-binding\",\"type\":\"podnic-shim\","
            + "\"args\":{\"cni\":{\"logicNetworkName\":\"default\"}}}";

    @TempDir
    Path tmp;
    private Path shim;
    private Path socket;

    @BeforeEach
    void install() throws IOException {
        shim = CniShim.install(tmp.resolve("bin"));
        socket = tmp.resolve("binding.sock");
    }

    private Map<String, String> env(String command) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "6f1e0c4b2a");
        env.put("CNI_NETNS", "/var/run/netns/cni-1234");
        env.put("CNI_IFNAME", "net1");
        env.put("CNI_ARGS", "IgnoreUnknown=true;K8S_POD_NAMESPACE=vms;K8S_POD_NAME=virt-launcher-vm1-abcde;K8S_POD_UID=0a1b");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    private record Run(int exit, String stdout) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }
    }

    private Run run(Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(shim.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PODNIC_BINDING_SOCKET", socket.toString());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A daemon stand-in answering one call; it returns what it received. */
    private CompletableFuture<byte[]> daemon(Function<byte[], byte[]> answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return CompletableFuture.supplyAsync(() -> {
            try (server; SocketChannel c = server.accept()) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(8192);
                while (c.read(buf) >= 0) {
                    got.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                byte[] reply = answer.apply(got.toByteArray());
                if (reply != null) {
                    c.write(ByteBuffer.wrap(reply));
                }
                return got.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aCallArrivesByteExactAndTheAnswerComesBackUnchanged() throws Exception {
        String result = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"vmi1\"}],\"ips\":[{\"address\":\"10.244.1.7/24\"}]}\n";
        var received = daemon(call -> CniCallWire.answer(new CniAnswer(0, result.getBytes(StandardCharsets.UTF_8))));
        Run run = run(env("ADD"), CONFIG);
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).isEqualTo(result);
        byte[] expected = CniCallWire.call(new CniCall(env("ADD"), CONFIG.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(received.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        CniCall decoded = CniCallWire.readCall(received.get());
        assertThat(decoded.env()).isEqualTo(env("ADD"));
        assertThat(new String(decoded.config(), StandardCharsets.UTF_8)).isEqualTo(CONFIG);
    }

    @Test
    void theDaemonsExitStatusAndErrorPassThrough() throws Exception {
        String error = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"network \\\"x\\\" is not allowed\"}";
        daemon(call -> CniCallWire.answer(new CniAnswer(1, error.getBytes(StandardCharsets.UTF_8))));
        Run run = run(env("ADD"), CONFIG);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout()).isEqualTo(error);
    }

    @Test
    void aLargeAnswerPassesThroughIntact() throws Exception {
        String big = "{\"pad\":\"" + "x".repeat(300_000) + "\"}";
        daemon(call -> CniCallWire.answer(new CniAnswer(0, big.getBytes(StandardCharsets.UTF_8))));
        assertThat(run(env("ADD"), CONFIG).stdout()).isEqualTo(big);
    }

    /** VERSION is the plugin's own answer (as CNI's skel gives it): no daemon is asked, none need run. */
    @Test
    void versionIsAnsweredWithoutTheDaemon() throws Exception {
        Run run = run(env("VERSION"), "{\"cniVersion\":\"1.1.0\"}");
        assertThat(run.exit()).as(run.stdout()).isZero();
        assertThat(run.stdout()).isEqualTo(
                "{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n");
        assertThat(socket).doesNotExist();
        assertThat(run(env("VERSION"), "").exit()).as("libcni may send no configuration").isZero();
    }

    @Test
    void noDaemonIsTryAgainLaterInTheConfigsVersion() throws Exception {
        Run run = run(env("ADD"), CONFIG.replace("1.0.0", "0.4.0"));
        assertThat(run.exit()).isEqualTo(1);
        JsonNode e = run.json();
        assertThat(e.path("code").asInt()).isEqualTo(11);
        assertThat(e.path("cniVersion").asText()).isEqualTo("0.4.0");
        assertThat(e.path("msg").asText()).contains("not reachable at " + socket).contains("DaemonSet");
    }

    @Test
    void aDaemonThatHangsUpWithoutAnAnswerIsTryAgainLater() throws Exception {
        daemon(call -> null);
        Run run = run(env("DEL"), CONFIG);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().path("code").asInt()).isEqualTo(11);
        assertThat(run.json().path("msg").asText()).contains("closed the connection without an answer");
    }

    @Test
    void anAnswerInAnotherFormatIsAnIoFailure() throws Exception {
        daemon(call -> "{\"not\":\"a status line\"}\n".getBytes(StandardCharsets.UTF_8));
        Run run = run(env("ADD"), CONFIG);
        assertThat(run.json().path("code").asInt()).isEqualTo(5);
        assertThat(run.json().path("msg").asText()).contains("same podnic version");
    }

    @Test
    void badInvocationsAreRefusedWithoutAskingTheDaemon() throws Exception {
        Map<String, String> none = env("ADD");
        none.remove("CNI_COMMAND");
        Run noCommand = run(none, CONFIG);
        assertThat(noCommand.json().path("code").asInt()).isEqualTo(4);
        assertThat(noCommand.json().path("msg").asText()).contains("CNI_COMMAND is not set");

        Map<String, String> newline = env("ADD");
        newline.put("CNI_IFNAME", "net1\nCNI_COMMAND=DEL");
        Run injected = run(newline, CONFIG);
        assertThat(injected.json().path("code").asInt()).isEqualTo(4);
        assertThat(injected.json().path("msg").asText()).contains("CNI_IFNAME contains a newline");
        assertThat(Files.exists(socket)).as("nothing was asked").isFalse();
    }

    @Test
    void aHostileVersionIsNeverEchoedIntoTheErrorJson() throws Exception {
        Run run = run(env("ADD"), "{\"cniVersion\":\"1\\\",\\\"code\\\":0,\\\"x\":1}");
        JsonNode e = run.json();
        assertThat(e.path("code").asInt()).isEqualTo(11);
        assertThat(e.path("cniVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void helpSaysWhatItIs() throws Exception {
        Process p = new ProcessBuilder(shim.toString(), "--help").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("KubeVirt network binding").contains("/var/lib/podnic/node/binding.sock");
    }

    /** The daemon closes before reading: podnic-shim's write fails (EPIPE), and it still answers in CNI's terms. */
    @Test
    void aDaemonThatClosesBeforeReadingIsTryAgainLaterNotASignal() throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture.runAsync(() -> {
            try (server; SocketChannel c = server.accept()) {
                // closed at once
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String big = "{\"cniVersion\":\"1.0.0\",\"pad\":\"" + "x".repeat(900_000) + "\"}";
        Run run = run(env("ADD"), big);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().path("code").asInt()).isEqualTo(11);
    }
}
