package dev.podnic.kubevirt.cni;

import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.cni.result.CniResult;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.server.Attached;
import dev.podnic.node.server.AttachmentRequest;
import dev.podnic.node.server.NodeService;
import dev.podnic.node.server.PodInterfaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * VMI interfaces from the node daemon's own {@link NodeService}, called directly for the pod the
 * KubeVirt binding acts for: the caller is the pod's namespace the daemon opened, so the service's
 * rules (ledger first, container ID derived from the namespace, quota, allowed networks) hold as for a
 * launcher over the socket — without a request or answer encoded in between. Its refusals and the
 * plugins' errors come as they were raised.
 */
final class ServiceAttacher implements Attacher {
    private final NodeService service;
    private final Caller pod;
    private final Path podNetns;
    private final PodInterfaces podInterfaces;
    private final String network;
    /** The ADD asked of the service before the pod was open, if one was. */
    private final Optional<AddAhead> ahead;
    /** How long the plugins ran for this call's attachments: the rest of the call is podnic's. */
    private Duration plugins = Duration.ZERO;
    /** What this attacher attached, each recorded by the service meanwhile. */
    private final java.util.List<Attached> made = new java.util.ArrayList<>();

    /**
     * @param podNetns the pod's namespace as the runtime named it (CNI_NETNS), the one {@code pod} was opened by
     * @param podLinks the pod's links as the binding has them open already (the service looks there
     *                 instead of entering the pod again)
     * @param network  the CNI network, or "" for the daemon's default
     * @param ahead    the ADD already asked of the service for this call, if one was ({@link AddAhead})
     */
    ServiceAttacher(NodeService service, Caller pod, Path podNetns, NetworkOps podLinks, String network, Optional<AddAhead> ahead) {
        this.service = service;
        this.pod = pod;
        this.podNetns = podNetns;
        this.podInterfaces = (netns, ifName) -> podLinks.findLink(ifName).isPresent();
        this.network = network;
        this.ahead = ahead;
    }

    /** Takes the ADD asked ahead when it is this one's. */
    @Override
    public CniResult attach(VmNames vm, String vmiInterface) {
        AttachmentRequest r = addRequest(podNetns, vm, vmiInterface, network);
        Attached a = ahead.filter(early -> early.isFor(r)).map(AddAhead::attach)
                .orElseGet(() -> service.add(pod, r, podInterfaces, CompletableFuture.completedFuture(null),
                        CompletableFuture.completedFuture(null)));
        plugins = plugins.plus(a.plugins());
        made.add(a);
        return a.result();
    }

    /**
     * Waits until the service has recorded what this attacher attached as made (it does so while the
     * engine works in the pod): the binding answers its ADD only then. Throws the service's refusal
     * when it could not (the attachment was deleted again).
     */
    void settle() {
        made.forEach(Attached::settle);
    }

    /** How long the node's plugins ran for what this attacher attached (zero when it found it attached from before). */
    Duration plugins() {
        return plugins;
    }

    @Override
    public void check(VmNames vm, String vmiInterface) {
        service.check(pod, request(vm, vmiInterface));
    }

    @Override
    public void detach(VmNames vm, String vmiInterface) {
        service.del(pod, request(vm, vmiInterface));
    }

    @Override
    public String network() {
        return network;
    }

    /** The service derives it from the pod's namespace and the VM. */
    @Override
    public Optional<String> containerId(VmNames vm) {
        return Optional.empty();
    }

    /** No path: the service takes the namespace the kernel identified (the pod's, opened by the binding). */
    private AttachmentRequest request(VmNames vm, String vmiInterface) {
        return new AttachmentRequest("", vmiInterface, vm.identity(), network);
    }

    /**
     * ADD's request, with the pod's namespace as the runtime named it (CNI_NETNS): the service checks that
     * it is the one the binding opened, and takes it as the runtime's pin without looking at every pod's.
     * (DEL and CHECK send none: the pin may be gone by then, the namespace the binding holds open is not.)
     */
    static AttachmentRequest addRequest(Path podNetns, VmNames vm, String vmiInterface, String network) {
        return new AttachmentRequest(podNetns.toString(), vmiInterface, vm.identity(), network);
    }
}
