package dev.podnic.binding.apply;

import dev.podnic.api.VNic;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.plan.Planner;
import dev.podnic.binding.port.GuestPort;
import dev.podnic.inet.IpNet;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Scope;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What of a vNIC needs nothing from its CNI ADD's result: the bridge, its DHCP isolation, the
 * server's link-local address, the VM's port (not yet in the bridge). Made while the plugins run
 * (they mostly wait on their processes) where a thread of {@code preparing} takes it first; else by
 * the caller once CNI ADD succeeded, so that a failed one leaves nothing of it.
 */
final class VNicPreparation {
    private final NetworkOps pod;
    private final DhcpBackend dhcp;
    private final GuestPort port;
    private final Executor preparing;

    VNicPreparation(NetworkOps pod, DhcpBackend dhcp, GuestPort port, Executor preparing) {
        this.pod = pod;
        this.dhcp = dhcp;
        this.port = port;
        this.preparing = preparing;
    }

    /** Offers {@code nic}'s preparation to the threads of {@code preparing}; call as its CNI ADD begins. */
    Begun begin(VNic nic) {
        Begun begun = new Begun(new FutureTask<>(() -> prepare(nic)));
        preparing.execute(() -> {
            if (begun.taken.compareAndSet(false, true)) {
                begun.task.run();
            }
        });
        return begun;
    }

    /** One vNIC's preparation, taken by a thread of {@code preparing} or still the caller's. */
    static final class Begun {
        private final FutureTask<Boolean> task;
        private final AtomicBoolean taken = new AtomicBoolean();

        private Begun(FutureTask<Boolean> task) {
            this.task = task;
        }

        /**
         * CNI ADD failed: a preparation another thread began is awaited (nothing may still be made while
         * the caller undoes), its failure added to {@code failure}; one not begun never will be.
         */
        void abandon(RuntimeException failure) {
            if (!taken.compareAndSet(false, true)) {
                try {
                    awaited(task);
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }

        /** CNI ADD succeeded: the preparation, made now if no other thread took it. Whether the bridge was there already. */
        boolean finish() {
            if (taken.compareAndSet(false, true)) {
                task.run();
            }
            return awaited(task);
        }
    }

    /**
     * Where podnic makes the bridge: the bridge (down until the plan's IPv6 address is on it), its
     * DHCP isolation (written once the bridge exists: see {@link dev.podnic.binding.dhcp.DhcpIsolation};
     * nothing can cross before the VMI interface becomes a port, after CNI ADD), the server's
     * link-local address, and the VM's port (plugged into the bridge once it serves: see
     * {@link GuestPort#plug}). Returns whether the bridge was there already.
     */
    private boolean prepare(VNic nic) {
        boolean existed = pod.findLink(nic.bridge()).isPresent();
        if (dhcp.createsBridge()) {
            return existed; // (its network makes the bridge as it starts, and isolates it then)
        }
        if (!existed) {
            pod.createBridge(nic.bridge());
        }
        dhcp.prepare(nic);
        IpNet address = Planner.bridgeAddress(nic.index());
        if (!existed || pod.addresses(nic.bridge()).stream().noneMatch(a -> a.address().equals(address))) {
            pod.addAddress(nic.bridge(), address, Scope.LINK);
        }
        port.prepare(pod, nic);
        return existed;
    }

    /**
     * {@code task}'s result once it ended, or what it threw. Not cut short by an interrupt (kept for
     * later): what it makes must be known before the caller goes on, or undoes.
     */
    private static <T> T awaited(FutureTask<T> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) { // rethrown as thrown: it is the caller's failure now
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
