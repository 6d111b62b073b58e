package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The launcher pod that runs one VM instance: owned by it, so Kubernetes removes it with the VMI.
 * The launcher gets the VM instance through the downward API (the {@value #SPEC_ANNOTATION}
 * annotation as a file) and the node daemon's socket through a hostPath; it has no API token: the
 * node agent reports what it bound.
 */
public final class LauncherPods {
    public static final String VMI_LABEL = "podnic.dev/vmi";
    /** The VM instance (identity and spec, JSON) as the launcher reads it from {@value #SPEC_FILE}. */
    public static final String SPEC_ANNOTATION = "podnic.dev/vmi-spec";
    public static final String SPEC_FILE = "/etc/podnic/vmi.json";
    /** The node daemon's socket directory on every node (see deploy/node-daemon.yaml). */
    public static final String SOCKET_DIR = "/run/podnic";
    public static final String SOCKET = SOCKET_DIR + "/node.sock";

    private final String image;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public LauncherPods(String image) {
        this.image = image;
    }

    public static String podName(String vmiName) {
        return "virt-launcher-" + vmiName;
    }

    public Pod build(VirtualMachineInstance vmi) {
        String name = vmi.getMetadata().getName();
        return new PodBuilder()
                .withNewMetadata()
                    .withName(podName(name))
                    .withNamespace(vmi.getMetadata().getNamespace())
                    .addToLabels(VMI_LABEL, name)
                    .addToAnnotations(SPEC_ANNOTATION, specJson(vmi))
                    .addNewOwnerReference()
                        .withApiVersion(vmi.getApiVersion())
                        .withKind(vmi.getKind())
                        .withName(name)
                        .withUid(vmi.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                    .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withAutomountServiceAccountToken(false)
                    // The launcher's DEL on SIGTERM goes through the node daemon: give it time.
                    .withTerminationGracePeriodSeconds(60L)
                    .addNewContainer()
                        .withName("launcher")
                        .withImage(image)
                        // The daemon finds this pod's namespace itself: /proc/self means nothing to it.
                        .withArgs("vmi", "up", "--pod-netns=/proc/self/ns/net", "--proxy=" + SOCKET, "--dhcp=dnsmasq",
                                "--state-dir=/var/lib/podnic", "--hold", SPEC_FILE)
                        .withNewSecurityContext()
                            // Bridges, taps and addresses in the pod's own namespace; dnsmasq serves DHCP.
                            .withNewCapabilities().addToAdd("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE").endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount().withName("vmi-spec").withMountPath("/etc/podnic").withReadOnly(true).endVolumeMount()
                        // Read-only: the launcher can connect to the daemon's socket but not unlink or replace it
                        // (and so cannot pose as the daemon to other pods).
                        .addNewVolumeMount().withName("podnic-run").withMountPath(SOCKET_DIR).withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("state").withMountPath("/var/lib/podnic").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("vmi-spec").withNewDownwardAPI()
                        .addNewItem().withPath("vmi.json").withNewFieldRef().withFieldPath("metadata.annotations['" + SPEC_ANNOTATION + "']")
                        .endFieldRef().endItem()
                    .endDownwardAPI().endVolume()
                    .addNewVolume().withName("podnic-run").withNewHostPath().withPath(SOCKET_DIR).withType("Directory").endHostPath()
                    .endVolume()
                    .addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .build();
    }

    /** What the launcher needs of the VMI: its identity (the uid names its attachments) and its spec. */
    private String specJson(VirtualMachineInstance vmi) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", vmi.getApiVersion());
        out.put("kind", vmi.getKind());
        out.put("metadata", new ObjectMetaBuilder().withName(vmi.getMetadata().getName())
                .withNamespace(vmi.getMetadata().getNamespace()).withUid(vmi.getMetadata().getUid()).build());
        out.put("spec", vmi.getSpec());
        return serialization.asJson(out);
    }
}
