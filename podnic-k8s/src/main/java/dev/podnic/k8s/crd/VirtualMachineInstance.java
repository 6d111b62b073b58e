package dev.podnic.k8s.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
// `kubectl get pvmi`: what an operator looks for first (one vNIC's worth; -o wide / describe for all).
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.interfaces[0].node", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "IP", jsonPath = ".status.interfaces[0].ipAddresses[0]", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "vNICs", jsonPath = ".status.interfaces[*].name", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class VirtualMachineInstance extends CustomResource<VmiSpec, VmiStatus> implements Namespaced {
    public static final String GROUP = "podnic.dev";
    public static final String VERSION = "v1alpha1";
    /** Label the controller sets to the node the VM runs on, so that node's agent can watch just its own. */
    public static final String NODE_LABEL = "podnic.dev/node";
    /**
     * Annotation a node agent sets (comma-separated node names) once it freed the deleted VM's
     * interfaces on its node; the controller drops its finalizer when every node it used said so.
     */
    public static final String RELEASED_ON = "podnic.dev/released-on";
}
