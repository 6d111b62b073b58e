package dev.podnic.cli.k8s;

import dev.podnic.cli.UserError;
import dev.podnic.k8s.health.HealthServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The --health-address option of the long-running Kubernetes components. */
public final class Health {
    private Health() {
    }

    /** Serves /healthz at HOST:PORT, or nothing for "off"; the result closes it. */
    public static AutoCloseable serve(String address, Map<String, BooleanSupplier> checks) {
        if (address.equals("off")) {
            return () -> { };
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new UserError("--health-address " + address + ": expected HOST:PORT or off");
        }
        try {
            return HealthServer.start(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    checks);
        } catch (IOException | NumberFormatException e) {
            throw new UserError("--health-address " + address + ": " + e.getMessage());
        }
    }
}
