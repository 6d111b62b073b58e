package dev.podnic.cli.k8s;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** For the long-running Kubernetes components: run until SIGTERM/Ctrl-C, then close their parts. */
public final class Until {
    private Until() {
    }

    /**
     * Blocks for good; on SIGTERM the shutdown hook closes {@code parts} (first to last) before the
     * JVM exits, so informers stop and queued Events are written.
     */
    public static void stopped(AutoCloseable... parts) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable p : List.of(parts)) {
                try {
                    p.close();
                } catch (Exception e) {
                    System.err.println("podnic: closing " + p.getClass().getSimpleName() + ": " + e);
                }
            }
        }, "podnic-stop"));
        new CountDownLatch(1).await();
    }
}
