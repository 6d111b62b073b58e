package dev.podnic.binding.attach;

import dev.podnic.api.VmNames;
import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import java.nio.file.Path;
import java.util.Optional;

/** Runs the CNI plugins in this process (the node's namespace is the runtime's business). */
public final class InProcessAttacher implements Attacher {
    private final CniRuntime cni;
    private final NetworkConfigList network;
    private final Path podNetns;

    public InProcessAttacher(CniRuntime cni, NetworkConfigList network, Path podNetns) {
        this.cni = cni;
        this.network = network;
        this.podNetns = podNetns;
    }

    @Override
    public CniResult attach(VmNames vm, String vmiInterface) {
        RuntimeConf rt = RuntimeConf.of(vm.containerId(), podNetns.toString(), vmiInterface);
        return cni.cachedResult(network, rt).orElseGet(() -> cni.add(network, rt));
    }

    @Override
    public void detach(VmNames vm, String vmiInterface) {
        cni.del(network, RuntimeConf.of(vm.containerId(), podNetns.toString(), vmiInterface));
    }

    @Override
    public String network() {
        return network.name();
    }

    @Override
    public Optional<String> containerId(VmNames vm) {
        return Optional.of(vm.containerId());
    }
}
