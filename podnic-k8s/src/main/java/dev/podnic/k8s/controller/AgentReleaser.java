package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.Map;

/**
 * Release through the node agents: each watches the deleted VM instances labelled with its node,
 * frees their interfaces through its node daemon and adds its node to
 * {@value VirtualMachineInstance#RELEASED_ON}. A node that no longer exists is released by
 * definition: its IP allocations (host-local's files on the node) went with it. An operator can
 * release a dead node's VMs by hand by setting that annotation.
 */
public final class AgentReleaser implements InterfaceReleaser {
    private final KubernetesClient client;

    public AgentReleaser(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Reconciled release(VirtualMachineInstance vmi, String node) {
        Map<String, String> annotations = vmi.getMetadata().getAnnotations();
        String released = annotations == null ? null : annotations.get(VirtualMachineInstance.RELEASED_ON);
        if (released != null && Arrays.asList(released.split(",")).contains(node)) {
            return Reconciled.done();
        }
        if (client.nodes().withName(node).get() == null) {
            return Reconciled.done();
        }
        return Reconciled.waiting("waiting for the podnic agent on node " + node + " to release the interfaces");
    }
}
