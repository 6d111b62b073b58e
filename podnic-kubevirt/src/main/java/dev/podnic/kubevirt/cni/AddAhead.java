package dev.podnic.kubevirt.cni;

import dev.podnic.cni.timeline.AttachStep;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.server.Attached;
import dev.podnic.node.server.AttachmentRequest;
import dev.podnic.node.server.NodeService;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A fresh ADD's VMI interface asked of the node daemon's {@link NodeService} at once, before the
 * binding has opened the pod: the first plugin's process starts, and the ledger entry is written,
 * while the pod is opened and the engine records what it is about to do (~2–8 ms that came before the
 * plugin's start). The plugin gets its configuration only when the engine asks for the interface
 * ({@link #attach}), so nothing is allocated before the engine's own record says what comes; a
 * process that has not read its configuration has done nothing. Given up ({@link #close}) when the
 * engine never asks — the pod could not be opened, the vNIC takes over a Multus interface instead, a
 * step before failed: the plugin is ended unread and the ledger entry removed before it returns.
 */
final class AddAhead implements AutoCloseable {
    private final AttachmentRequest request;
    private final CompletableFuture<NetworkOps> podLinks = new CompletableFuture<>();
    private final CompletableFuture<Void> proceed = new CompletableFuture<>();
    private final CompletableFuture<Attached> added;

    /** Asks {@code service} on a thread of {@code asking} for {@code request} on behalf of {@code pod}. */
    AddAhead(NodeService service, Caller pod, AttachmentRequest request, Executor asking) {
        this.request = request;
        // (the service asks whether the interface exists as soon as the pod is open)
        this.added = CompletableFuture.supplyAsync(() -> service.add(pod, request,
                (netns, ifName) -> podLinks.join().findLink(ifName).isPresent(), podLinks, proceed), asking);
    }

    /**
     * The pod's links, open now: where the service looks for the interface — at once, before the
     * engine makes the bridge and tap (a look behind them waits on the kernel's rtnl lock).
     */
    void podOpened(NetworkOps links) {
        podLinks.complete(links);
    }

    boolean isFor(AttachmentRequest r) {
        return request.equals(r);
    }

    /** Lets the first plugin have its configuration, and waits for the ADD's end: its result, or its failure as raised. */
    Attached attach() {
        AttachStep.reached("engine asks for the interface");
        proceed.complete(null);
        try {
            return added.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Gives the ADD up unless {@link #attach} let it proceed; returns once the service is done with it. */
    @Override
    public void close() {
        // (asked first: the engine took it in every ADD that goes well, and an exception's stack trace is not free)
        if (!proceed.isDone() && proceed.completeExceptionally(new CancellationException("the binding did not ask for "
                + request.ifName()))) {
            podLinks.completeExceptionally(new CancellationException("the pod was not opened"));
            try {
                added.join();
            } catch (CompletionException | CancellationException givenUp) {
                // (what it ended with is the cancellation, or a refusal no one asked for)
            }
        }
    }
}
