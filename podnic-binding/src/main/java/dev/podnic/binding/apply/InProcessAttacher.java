package dev.podnic.binding.apply;

import dev.podnic.cni.CniRuntime;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import java.nio.file.Path;

/** Runs the CNI plugins in this process (the node's namespace is the runtime's business). */
public final class InProcessAttacher implements VmiAttacher {
    private final CniRuntime cni;
    private final NetworkConfigList network;
    private final Path podNetns;

    public InProcessAttacher(CniRuntime cni, NetworkConfigList network, Path podNetns) {
        this.cni = cni;
        this.network = network;
        this.podNetns = podNetns;
    }

    @Override
    public CniResult attach(String vmIdentity, String vmiInterface) {
        RuntimeConf rt = RuntimeConf.of(VNicBinder.containerId(vmIdentity), podNetns.toString(), vmiInterface);
        return cni.cachedResult(network, rt).orElseGet(() -> cni.add(network, rt));
    }

    @Override
    public void detach(String vmIdentity, String vmiInterface) {
        cni.del(network, RuntimeConf.of(VNicBinder.containerId(vmIdentity), podNetns.toString(), vmiInterface));
    }

    @Override
    public String network() {
        return network.name();
    }

    @Override
    public String containerId(String vmIdentity) {
        return VNicBinder.containerId(vmIdentity);
    }
}
