package dev.podnic.k8s.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the controller only while this replica holds the Lease {@value #LEASE} (fabric8's
 * LeaderElector, client-go's algorithm), so several replicas can run and one takes over within a
 * lease duration when the leader dies. A replica that loses the lease stops its controller and
 * calls {@code onLost}: the command exits, and Kubernetes restarts it as a follower, with fresh caches.
 */
public final class ControllerLeadership implements AutoCloseable {
    public static final String LEASE = "podnic-controller";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLeadership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String identity;
    private final Duration lease;
    private final Supplier<VmiController> controllers;
    private final Runnable onLost;
    private volatile VmiController running;
    private volatile boolean closing;
    private CompletableFuture<?> election;

    /**
     * @param lease how long a dead leader blocks the others (client-go's default is 15 s); renewals
     *              are due after two thirds of it, attempts every tenth
     */
    public ControllerLeadership(KubernetesClient client, String namespace, String identity, Duration lease,
                                Supplier<VmiController> controllers, Runnable onLost) {
        this.client = client;
        this.namespace = namespace;
        this.identity = identity;
        this.lease = lease;
        this.controllers = controllers;
        this.onLost = onLost;
    }

    /** Starts campaigning; returns at once. */
    public ControllerLeadership start() {
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(LEASE)
                .withLock(new LeaseLock(namespace, LEASE, identity))
                .withLeaseDuration(lease)
                .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(lease.dividedBy(10))
                .withReleaseOnCancel(true) // a clean stop hands over at once instead of after a lease duration
                .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::stopLeading,
                        leader -> LOG.info("leader of {}/{} is {}", namespace, LEASE, leader)))
                .build()).build().start();
        return this;
    }

    public boolean leading() {
        return running != null;
    }

    /** A standby is healthy; a leader is as healthy as its controller. */
    public boolean healthy() {
        VmiController c = running;
        return c == null || c.healthy();
    }

    private synchronized void lead() {
        if (closing) {
            return;
        }
        LOG.info("{} leads: starting the controller", identity);
        VmiController c = controllers.get();
        c.start();
        running = c;
    }

    private synchronized void stopLeading() {
        VmiController c = running;
        running = null;
        if (c != null) {
            c.close();
        }
        if (!closing) {
            LOG.warn("{} lost the lease {}/{}; stopping", identity, namespace, LEASE);
            onLost.run();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        if (election != null) {
            election.cancel(true); // releases the lease; stopLeading closes the controller
        }
        stopLeading();
    }
}
