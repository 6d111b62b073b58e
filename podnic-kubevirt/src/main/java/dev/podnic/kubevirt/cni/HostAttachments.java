package dev.podnic.kubevirt.cni;

import dev.podnic.api.VmNames;
import dev.podnic.binding.apply.BindingEngine;
import dev.podnic.binding.apply.PodEngine;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.binding.dhcp.DhcpBackend;
import dev.podnic.binding.dhcp.DnsmasqBackend;
import dev.podnic.binding.dhcp.server.DhcpServers;
import dev.podnic.binding.dhcp.server.InProcessDhcpBackend;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.netlink.kernel.KernelNetworkOps;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.PeerCredentials;
import dev.podnic.node.server.AttachmentRequest;
import dev.podnic.node.server.KeyedLocks;
import dev.podnic.node.server.NodeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The KubeVirt binding's attachments as the daemon keeps them: one directory each
 * ({@link AttachmentDirs}: engine record, lease file, logs), one lock each, the engine wired for one
 * of them in its pod, and what the daemon does with them all at start-up and on its period — free
 * those whose pod vanished, serve the living ones' DHCP again — and for the runtime's GC.
 * Attachments an earlier podnic served with a dnsmasq per vNIC are still undone with dnsmasq.
 */
public final class HostAttachments {
    private static final String DNSMASQ = "dnsmasq";
    /** Attachments served again at once as the daemon starts. */
    private static final int RESUMING = 4;

    private final NodeService service;
    private final AttachmentDirs attachments;
    private final Path dnsmasq;
    private final DhcpServers dhcpServers;
    private final int qemuUid;
    private final Consumer<String> log;
    private final KeyedLocks locks = new KeyedLocks();
    /** Where a DEL's leftover links are removed once it has answered. */
    private final Executor unwiring;
    /** Where a fresh ADD asks the service for its VMI interface ahead ({@link AddAhead}): a thread per ADD under way, kept a while. */
    private final Executor asking = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "podnic-add");
        t.setDaemon(true);
        return t;
    });

    /**
     * Where a call's pod is closed once the call is done: closing its sockets and ending its thread cost the
     * answer ~0.15 ms, and nothing waits for them.
     */
    private final Executor closing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "podnic-close");
        t.setDaemon(true);
        return t;
    });

    HostAttachments(NodeService service, BindingStateDirs state, Path dnsmasq, DhcpServers dhcpServers, int qemuUid, Consumer<String> log) {
        this(service, state, dnsmasq, dhcpServers, qemuUid, log, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "podnic-unwire");
            t.setDaemon(true);
            return t;
        }));
    }

    /** @param unwiring runs the removal of a DEL's leftover links after it answered (tests: never, as a kill would) */
    HostAttachments(NodeService service, BindingStateDirs state, Path dnsmasq, DhcpServers dhcpServers, int qemuUid, Consumer<String> log,
                    Executor unwiring) {
        this.unwiring = unwiring;
        this.service = service;
        this.attachments = new AttachmentDirs(state);
        this.dnsmasq = dnsmasq;
        this.dhcpServers = dhcpServers;
        this.qemuUid = qemuUid;
        this.log = log;
    }

    /** Where the attachment {@code key} (CNI_CONTAINERID-CNI_IFNAME) lives. */
    Path dir(String key) {
        return attachments.dir(key);
    }

    /** One lock per attachment (its directory's name): ADD, DEL, CHECK and both GCs never overlap on one. */
    Object lock(String key) {
        return locks.of(key);
    }

    /**
     * The spec's GC: every attachment this daemon made for a sandbox and interface the runtime no
     * longer lists is deleted (its namespace is gone by then, or will be).
     */
    void keepOnly(Set<String> valid) {
        for (Path dir : attachments.all()) {
            String key = dir.getFileName().toString();
            if (!valid.contains(key)) {
                synchronized (lock(key)) {
                    if (Files.isDirectory(dir)) {
                        free(Attachment.of(dir), "not among the runtime's valid attachments");
                    }
                }
            }
        }
    }

    /**
     * Frees the attachments whose pod is gone without a DEL (its namespace's pin was removed): the
     * DHCP server that kept the namespace alive is stopped, the VMI interface's addresses released
     * through the ledger. Returns what it freed, for the daemon's periodic GC.
     */
    public List<String> collectGarbage() {
        List<String> freed = new ArrayList<>();
        for (Path dir : attachments.all()) {
            // Decided under the attachment's lock, on its record as it is then: an ADD in progress holds the
            // lock and has no record yet for a moment, and is not garbage.
            synchronized (lock(dir.getFileName().toString())) {
                Attachment a = Attachment.of(dir);
                if (Files.isDirectory(dir) && a.record().map(r -> !Files.exists(Path.of(r.podNetns()))).orElse(true)) {
                    free(a, "its pod's network namespace is gone");
                    freed.add(dir.getFileName().toString());
                }
            }
        }
        return freed;
    }

    /** An attachment's directory and its record (empty: an ADD died before it recorded anything). */
    private record Attachment(Path dir, Optional<VmiRecord> record) {
        static Attachment of(Path dir) {
            return new Attachment(dir, AttachmentDirs.record(dir));
        }
    }

    /** Frees the attachment in {@code dir} (its lock held): see {@link #free(Attachment, String)}. */
    void free(Path dir, String why) {
        free(Attachment.of(dir), why);
    }

    /**
     * The runtime's DEL (the attachment's lock held): everything is undone before it returns but the
     * pod's links podnic made (the guest's tap and the bridge), which serve nothing any more and are
     * removed right after, on another thread: removing them while the plugins' DEL runs made both
     * wait on the kernel's rtnl lock (a DEL cost 1.45x the chain's). Until then they are recorded in
     * the attachment's directory ({@link LinksLeft}), which stays; a daemon killed meanwhile removes
     * them at its start, in the same pass that frees attachments ({@link #free(Attachment, String)}).
     */
    void delete(Path dir, String why) {
        Attachment a = Attachment.of(dir);
        Optional<VmiRecord> r = a.record();
        if (r.isEmpty()) {
            free(a, why);
            return;
        }
        long t0 = System.nanoTime();
        Path netns = Path.of(r.get().podNetns());
        NetnsIdentity pod;
        try {
            pod = NetnsIdentity.of(netns);
        } catch (IOException gone) { // the pod is gone: what outlives it is freed as for any vanished pod
            free(a, why);
            return;
        }
        String logicNetwork = r.get().nics().isEmpty() ? "" : r.get().nics().get(0).name();
        withPod(netns, null, dir, r.get().network(), logicNetwork, false, (engine, adopted, service) -> {
            // Recorded first: killed at any point from here, the next start (or DEL) finds them by the record or by this.
            List<String> links = engine.links(r.get().namespace(), r.get().name());
            LinksLeft.write(dir, new LinksLeft(netns.toString(), pod.dev(), pod.ino(), links));
            return engine.downLeavingLinks(r.get().namespace(), r.get().name());
        }, dir.resolve("resolv.conf"), Optional.empty());
        log.accept(String.format("freed KubeVirt binding attachment %s: %s (in %.0f ms); its bridge and tap go next",
                dir.getFileName(), why, (System.nanoTime() - t0) / 1e6));
        String key = dir.getFileName().toString();
        unwiring.execute(() -> {
            synchronized (lock(key)) {
                if (Files.isDirectory(dir) && AttachmentDirs.record(dir).isEmpty()) { // (else freed, or added again, meanwhile)
                    removeLinksLeft(dir);
                    AttachmentDirs.delete(dir);
                }
            }
        });
    }

    /**
     * Waits until every DEL answered so far has removed its links (they are removed in order, on one
     * thread): for whoever must see a DEL's every effect, such as a test. False when that took longer
     * than {@code limit}.
     */
    public boolean awaitUnwiring(java.time.Duration limit) {
        try {
            java.util.concurrent.CompletableFuture.runAsync(() -> { }, unwiring).get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Removes the links a DEL left (see {@link #delete}) if their pod still lives; failures are logged, the next pass tries again. */
    private void removeLinksLeft(Path dir) {
        Optional<LinksLeft> left = LinksLeft.read(dir);
        if (left.isEmpty() || left.get().links().isEmpty()) {
            return;
        }
        Path netns = Path.of(left.get().netns());
        try {
            if (!NetnsIdentity.of(netns).equals(new NetnsIdentity(left.get().dev(), left.get().ino()))) {
                return; // the pod is gone (another namespace under its name now): its links went with it
            }
        } catch (IOException gone) {
            return; // the pod is gone, and its links with it
        }
        try (KernelNetworkOps pod = KernelNetworkOps.open(netns)) {
            pod.deleteLinks(left.get().links());
        } catch (RuntimeException e) {
            log.accept("could not remove " + left.get().links() + " from " + netns + " (the next pass tries again): " + e.getMessage());
            throw e;
        }
    }

    /** Undoes an attachment found on disk (its lock held): fully while its pod lives, else what outlives the pod. */
    private void free(Attachment a, String why) {
        long t0 = System.nanoTime();
        a.record().ifPresent(r -> {
            Path netns = Path.of(r.podNetns());
            if (Files.exists(netns)) {
                String logicNetwork = r.nics().isEmpty() ? "" : r.nics().get(0).name();
                withPod(netns, null, a.dir(), r.network(), logicNetwork, false,
                        (engine, adopted, service) -> engine.down(r.namespace(), r.name(), Optional.empty()), a.dir().resolve("resolv.conf"),
                        Optional.empty());
            } else {
                forget(a.dir(), r.identity());
            }
        });
        removeLinksLeft(a.dir());
        AttachmentDirs.delete(a.dir());
        log.accept(String.format("freed KubeVirt binding attachment %s: %s (in %.0f ms)", a.dir().getFileName(), why,
                (System.nanoTime() - t0) / 1e6));
    }

    /**
     * What is left when the pod is gone: its DHCP servers (stopped by their recorded PID; their end
     * frees the namespace with the bridge and tap in it) and the VMI interface's addresses (DEL
     * through the ledger, without a namespace).
     */
    private void forget(Path dir, String identity) {
        for (VmiRecord r : AttachmentDirs.records(dir).list()) {
            DhcpBackend stopping = r.backend().equals(DNSMASQ) ? new DnsmasqBackend(null, dir.resolve("dhcp"), dnsmasq)
                    : new InProcessDhcpBackend(null, dir.resolve("dhcp"), dhcpServers, null); // stopping needs no namespace
            for (VNicRecord n : r.nics()) {
                if (n.dhcp() != null) {
                    stopping.stop(n.dhcp());
                }
                stopping.stopStray(n.bridge());
            }
        }
        service.release(identity);
    }

    /**
     * What a call does with the engine; {@code adopted} names the Multus interface the vNIC takes over,
     * if it does; {@code service} is where the engine's VMI interfaces come from otherwise: it tells how
     * long the node's plugins have run for the call so far (the rest of its time is podnic's own), and
     * settles what the service records meanwhile.
     */
    @FunctionalInterface
    interface Work<T> {
        T apply(BindingEngine engine, Optional<String> adopted, ServiceAttacher service);
    }

    /**
     * @param adding an ADD may adopt the Multus interface it finds; other calls undo what the ADD did,
     *               which its saved configuration tells
     * @param ahead  the service ADD a fresh ADD will make, asked at once ({@link AddAhead}): its first
     *               plugin starts while the pod is opened (not where an earlier run recorded anything, which
     *               the engine resumes or undoes first, nor where the vNIC took over a Multus interface)
     */
    <T> T withPod(Path netns, String podUid, Path dir, String network, String logicNetwork, boolean adding, Work<T> work,
                  Path resolvConf, Optional<AttachmentRequest> ahead) {
        try (Caller pod = Caller.onBehalfOf(new PeerCredentials(0, 0, 0), netns, podUid)) {
            Path saved = dir.resolve("adopted.json");
            boolean adoptedBefore = AdoptedInterface.adopted(saved);
            List<VmiRecord> recorded = AttachmentDirs.records(dir).list();
            Optional<AddAhead> early = ahead.filter(r -> adding && !adoptedBefore && recorded.isEmpty())
                    .map(r -> new AddAhead(service, pod, r, asking));
            PodEngine opened;
            try {
                opened = PodEngine.open(netns, pod.namespace());
            } catch (RuntimeException e) {
                // Given up before the error is answered: its first plugin would otherwise wait for a pod that never
                // opens (until the plugin's timeout), its ledger entry and the service's thread with it.
                early.ifPresent(AddAhead::close);
                throw e;
            }
            try {
                AttachStep.reached("pod opened");
                early.ifPresent(e -> e.podOpened(opened.links()));
                String multusInterface = VmNames.kubevirtPodInterface(logicNetwork);
                Optional<String> adopted = adoptedBefore || (adding && opened.links().findLink(multusInterface).isPresent())
                        ? Optional.of(multusInterface) : Optional.empty();
                if (adopted.isPresent()) {
                    early.ifPresent(AddAhead::close); // (not needed: given up now, not after the whole ADD)
                }
                ServiceAttacher fromService = new ServiceAttacher(service, pod, netns, opened.links(), network,
                        adopted.isPresent() ? Optional.empty() : early);
                Attacher attacher = adopted.isPresent() ? new AdoptedInterface(opened.links(), multusInterface, saved, netns) : fromService;
                // The record's DHCP backend: the daemon's own, or dnsmasq for an attachment an earlier podnic made with it.
                boolean byDnsmasq = recorded.stream().anyMatch(r -> r.backend().equals(DNSMASQ));
                BindingEngine engine = opened.engine(new PodEngine.HostSide(dir.resolve("dhcp"), dhcpServers, qemuUid, byDnsmasq, dnsmasq),
                        attacher, AttachmentDirs.records(dir), resolvConf);
                return work.apply(engine, adopted, fromService);
            } finally {
                early.ifPresent(AddAhead::close); // (a no-op once the engine took it)
                closing.execute(opened::close);
            }
        } catch (IOException e) {
            throw new CniException(CniError.UNKNOWN_CONTAINER, "the pod's network namespace " + netns + ": " + e.getMessage());
        }
    }

    /**
     * Serves the leases of every attachment whose pod still lives, from their lease files: what a
     * daemon does as it starts (its predecessor's servers went with it; guests renew — at half
     * their lease — with the server they know). Returns how many bridges are served; an attachment
     * that cannot be served is logged and left to CHECK and GC. Attachments are independent, and
     * each waits mostly on the kernel (entering its pod, opening sockets): a few at a time
     * ({@link #RESUMING}), so that a node's every vNIC is served again soon after a restart.
     */
    public int resumeDhcp() {
        List<Path> dirs = attachments.all();
        if (dirs.isEmpty()) {
            return 0;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(RESUMING, dirs.size()));
        try {
            List<java.util.concurrent.Future<Integer>> resumed = new ArrayList<>();
            for (Path dir : dirs) {
                resumed.add(pool.submit(() -> resume(dir)));
            }
            int served = 0;
            for (java.util.concurrent.Future<Integer> f : resumed) {
                try {
                    served += f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    log.accept("could not serve DHCP again: " + e.getCause());
                }
            }
            return served;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while serving DHCP again", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One attachment's leases served again (its lock held); how many bridges. */
    private int resume(Path dir) {
        synchronized (lock(dir.getFileName().toString())) {
            Optional<VmiRecord> r = Attachment.of(dir).record();
            if (r.isEmpty() || r.get().backend().equals(DNSMASQ) || !Files.exists(Path.of(r.get().podNetns()))) {
                return 0; // nothing served yet, served by its own dnsmasq, or garbage for the GC
            }
            try (NetnsThread pod = NetnsThread.enter(Path.of(r.get().podNetns()))) {
                return new InProcessDhcpBackend(pod, dir.resolve("dhcp"), dhcpServers, null).resume().size();
            } catch (RuntimeException e) {
                log.accept("could not serve DHCP again for " + dir.getFileName() + ": " + e.getMessage());
                return 0;
            }
        }
    }
}
