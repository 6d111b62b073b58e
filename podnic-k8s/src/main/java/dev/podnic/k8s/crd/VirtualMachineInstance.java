package dev.podnic.k8s.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A VM instance as a Kubernetes custom resource, in KubeVirt's interface form (interfaces bind to
 * named {@code pod: {}} networks with {@code bridge: {}}). The CRD under {@code deploy/crds/} is
 * generated from this model; its schema rejects what {@link dev.podnic.api.VmiParser} rejects, as far
 * as OpenAPI and CEL can express it, and the admission handler runs the parser itself for the rest.
 */
@Group(VirtualMachineInstance.GROUP)
@Version(VirtualMachineInstance.VERSION)
@ShortNames("pvmi")
public class VirtualMachineInstance extends CustomResource<VmiSpec, VmiStatus> implements Namespaced {
    public static final String GROUP = "podnic.dev";
    public static final String VERSION = "v1alpha1";
}
