package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.k8s.health.HealthServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    @Test
    void failingChecksTurnTheProbeRedAndAreNamed() throws Exception {
        AtomicBoolean informers = new AtomicBoolean(true);
        try (HealthServer server = HealthServer.start(new InetSocketAddress("127.0.0.1", 0),
                Map.of("informers", informers::get))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build();
            HttpResponse<String> ok = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("informers ok\n");
            informers.set(false);
            HttpResponse<String> failing = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(failing.statusCode()).isEqualTo(503);
            assertThat(failing.body()).isEqualTo("informers FAILING\n");
        }
    }
}
