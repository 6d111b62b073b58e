package dev.podnic.k8s.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} for a liveness probe: 200 when every check passes, 503 naming the ones that
 * fail; optionally {@code GET /metrics} for Prometheus. The checks are the things that do not heal by themselves — an informer that stopped for good
 * — so that the kubelet restarts the process instead of leaving it deaf.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    public static HealthServer start(InetSocketAddress address, Map<String, BooleanSupplier> checks) throws IOException {
        return start(address, checks, null);
    }

    /** Also {@code GET /metrics} from {@code metrics} (a Prometheus registry's scrape) when given. */
    public static HealthServer start(InetSocketAddress address, Map<String, BooleanSupplier> checks, Supplier<String> metrics)
            throws IOException {
        HttpServer http = HttpServer.create(address, 0);
        Map<String, BooleanSupplier> ordered = new LinkedHashMap<>(checks);
        http.createContext("/healthz", ex -> answer(ex, ordered));
        if (metrics != null) {
            http.createContext("/metrics", ex -> {
                try (ex) {
                    byte[] bytes = metrics.get().getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    ex.sendResponseHeaders(200, bytes.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(bytes);
                    }
                }
            });
        }
        http.start();
        return new HealthServer(http);
    }

    private static void answer(HttpExchange ex, Map<String, BooleanSupplier> checks) throws IOException {
        try (ex) {
            StringBuilder body = new StringBuilder();
            boolean ok = true;
            for (Map.Entry<String, BooleanSupplier> c : checks.entrySet()) {
                boolean pass = c.getValue().getAsBoolean();
                ok &= pass;
                body.append(c.getKey()).append(pass ? " ok\n" : " FAILING\n");
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(ok ? 200 : 503, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
