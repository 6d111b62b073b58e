package dev.podnic.binding.attach;

import dev.podnic.api.VmNames;
import dev.podnic.cni.CniError;
import dev.podnic.cni.CniException;
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

    /** Its cached result exists: ADD completed and no DEL ran since. */
    @Override
    public void check(VmNames vm, String vmiInterface) {
        RuntimeConf rt = RuntimeConf.of(vm.containerId(), podNetns.toString(), vmiInterface);
        if (cni.cachedResult(network, rt).isEmpty()) {
            throw new CniException(CniError.GENERIC, vmiInterface + " is not attached in network " + network.name()
                    + " (no cached result for container " + vm.containerId() + ")");
        }
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
