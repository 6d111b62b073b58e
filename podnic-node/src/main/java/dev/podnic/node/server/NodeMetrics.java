package dev.podnic.node.server;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The daemon's metrics (Micrometer, Prometheus format): requests by op and outcome with latency
 * percentiles, the plugins' part of them, attachments in the ledger, GC runs and attachments GC freed; served with /healthz
 * on a local HTTP endpoint.
 */
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter gcRuns;
    private final Counter gcFreed;
    private final Counter gcFailures;
    private HttpServer http;

    public NodeMetrics(Supplier<Number> attachments) {
        Gauge.builder("podnic_attachments", attachments).description("VMI interfaces in the ledger").register(registry);
        gcRuns = Counter.builder("podnic_gc_runs").description("garbage collection passes").register(registry);
        gcFreed = Counter.builder("podnic_gc_freed").description("attachments freed by GC (vanished pods, interrupted operations)")
                .register(registry);
        gcFailures = Counter.builder("podnic_gc_failures").description("what a GC pass could not do (kept for the next pass)")
                .register(registry);
    }

    public void request(String op, String outcome, long nanos) {
        Timer.builder("podnic_requests").description("API requests").tags("op", op, "outcome", outcome)
                .publishPercentiles(0.5, 0.99).register(registry).record(Duration.ofNanos(nanos));
    }

    /**
     * The network's plugins' share of a request: for ADD their processes' time (what is left of
     * {@link #request}'s is the daemon's own), for DEL the runtime's DEL with its cache look-up.
     */
    public void plugins(String op, long nanos) {
        Timer.builder("podnic_plugins").description("the CNI plugins' runs within requests and GC").tags("op", op)
                .publishPercentiles(0.5, 0.99).register(registry).record(Duration.ofNanos(nanos));
    }

    public void gc(int freed, int failures) {
        gcRuns.increment();
        gcFreed.increment(freed);
        gcFailures.increment(failures);
    }

    /** Ledger entries moved aside as unreadable, as a gauge. */
    public void quarantined(Supplier<Number> count) {
        Gauge.builder("podnic_ledger_quarantined", count).description("ledger entries moved aside as unreadable").register(registry);
    }

    /** DHCP servers the daemon runs in pods (one per KubeVirt vNIC bridge), as a gauge. */
    public void dhcpServers(Supplier<Number> count) {
        Gauge.builder("podnic_dhcp_servers", count).description("DHCP servers the daemon runs for KubeVirt vNICs").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /**
     * Serves /metrics and /healthz on {@code address} (use a loopback address); /healthz answers 503
     * with the reason while {@code problem} names one.
     */
    public void serve(InetSocketAddress address, Supplier<java.util.Optional<String>> problem) throws IOException {
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", x -> reply(x, 200, scrape()));
        http.createContext("/healthz", x -> {
            java.util.Optional<String> p = problem.get();
            reply(x, p.isPresent() ? 503 : 200, p.map(why -> "unhealthy: " + why + "\n").orElse("ok\n"));
        });
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
    }
}
