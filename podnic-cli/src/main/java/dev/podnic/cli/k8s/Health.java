package dev.podnic.cli.k8s;

import dev.podnic.cli.UserError;
import dev.podnic.k8s.health.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
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
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new UserError("--health-address " + address + ": expected HOST:PORT or off");
        }
        try {
            return HealthServer.start(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    checks, metrics::scrape);
        } catch (IOException | NumberFormatException e) {
            throw new UserError("--health-address " + address + ": " + e.getMessage());
        }
    }
}
