package dev.podnic.kubevirt.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmNames;
import dev.podnic.binding.attach.Attacher;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.Dns;
import dev.podnic.cni.result.IpConfig;
import dev.podnic.cni.result.ResultInterface;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.inet.MacAddress;
import dev.podnic.netlink.Address;
import dev.podnic.netlink.Family;
import dev.podnic.netlink.Link;
import dev.podnic.netlink.NetworkOps;
import dev.podnic.netlink.Route;
import dev.podnic.netlink.Scope;
import dev.podnic.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A VM's Multus network: Multus attached the pod interface ({@code pod<hash>}, KubeVirt's name) with
 * the network's own delegate just before podnic's binding runs, and the vNIC takes it over. Its
 * configuration — addresses, the gateway of a default route through it, its other routes — is read
 * from the kernel once, kept in {@code saved} (the interface is stripped afterwards, and a rerun must
 * find the same), and served to the guest like a CNI result. Releasing it is Multus's job (its DEL of
 * the delegate); here it only forgets what it read. The interface gets a MAC of its own, so that a
 * guest with the MAC Multus gave it (the VMI's) is not shadowed on the bridge by its own port.
 */
final class AdoptedInterface implements Attacher {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NetworkOps pod;
    private final String podInterface;
    private final Path saved;
    private final Path netns;

    AdoptedInterface(NetworkOps pod, String podInterface, Path saved, Path netns) {
        this.pod = pod;
        this.podInterface = podInterface;
        this.saved = saved;
        this.netns = netns;
    }

    /** Whether an earlier ADD adopted an interface for this attachment (DEL and GC must undo it the same way). */
    static boolean adopted(Path saved) {
        return Files.exists(saved);
    }

    @Override
    public CniResult attach(VmNames vm, String vmiInterface) {
        if (Files.exists(saved)) {
            try {
                return ResultJson.parse(JSON.readTree(saved.toFile()), SpecVersion.V1_0_0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Link link = pod.findLink(podInterface).orElseThrow(() -> new CniException(CniError.UNKNOWN_CONTAINER,
                "the pod has no " + podInterface + " (Multus's interface for this network)"));
        List<IpConfig> ips = new ArrayList<>();
        List<Route> routes = routes(link);
        for (Address a : pod.addresses(podInterface)) {
            if (a.address().isIpv4() || a.scope() == Scope.UNIVERSE) { // (not its IPv6 link-local address)
                InetAddress gateway = routes.stream().filter(r -> r.destination().prefixLength() == 0 && r.gateway() != null
                        && r.destination().isIpv4() == a.address().isIpv4()).map(Route::gateway).findFirst().orElse(null);
                ips.add(new IpConfig(0, a.address(), gateway != null && a.address().contains(gateway) ? gateway : null));
            }
        }
        if (ips.isEmpty()) {
            throw new CniException(CniError.INVALID_CONFIG, podInterface + " has no address to hand to the guest "
                    + "(does the network's NetworkAttachmentDefinition give one?)");
        }
        List<dev.podnic.cni.result.Route> cniRoutes = routes.stream()
                .map(r -> dev.podnic.cni.result.Route.of(r.destination(), r.gateway())).toList();
        CniResult result = new CniResult(SpecVersion.V1_0_0, List.of(ResultInterface.of(podInterface, link.mac().toString(),
                netns.toString())), ips, cniRoutes, Dns.EMPTY);
        try {
            AtomicFiles.write(saved, JSON.writeValueAsBytes(ResultJson.write(result, SpecVersion.V1_0_0)), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MacAddress own = VmNames.of(vm.identity() + "/port").defaultMac(0);
        pod.setMac(podInterface, own);
        return result;
    }

    /** Both families' routes the network's plugins (or router advertisements) put on the interface. */
    private List<Route> routes(Link link) {
        List<Route> all = new ArrayList<>(pod.routes(Family.V4, Route.MAIN_TABLE));
        all.addAll(pod.routes(Family.V6, Route.MAIN_TABLE));
        return all.stream().filter(r -> r.linkIndex() == link.index() && r.protocol() != Route.PROTO_KERNEL).toList();
    }

    @Override
    public void check(VmNames vm, String vmiInterface) {
        if (pod.findLink(podInterface).isEmpty()) {
            throw new CniException(CniError.UNKNOWN_CONTAINER, podInterface + " (Multus's interface for this network) is gone");
        }
    }

    @Override
    public void detach(VmNames vm, String vmiInterface) {
        try {
            Files.deleteIfExists(saved);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String network() {
        return "";
    }

    @Override
    public Optional<String> containerId(VmNames vm) {
        return Optional.empty();
    }
}
