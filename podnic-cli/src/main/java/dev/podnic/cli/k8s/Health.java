package dev.podnic.cli.k8s;

import dev.podnic.cli.HostPort;
import dev.podnic.cli.UserError;
import dev.podnic.k8s.health.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The --health-address option of the long-running Kubernetes components: /healthz and /metrics. */
public final class Health {
    private Health() {
    }

    /** Serves /healthz and /metrics (from {@code metrics}) at HOST:PORT, or nothing for "off"; the result closes it. */
    public static AutoCloseable serve(String address, Map<String, BooleanSupplier> checks, PrometheusMeterRegistry metrics) {
        if (address.equals("off")) {
            return () -> { };
        }
        try {
            return HealthServer.start(HostPort.parse("--health-address", address), checks, metrics::scrape);
        } catch (IOException e) {
            throw new UserError("--health-address " + address + ": " + e.getMessage());
        }
    }
}
