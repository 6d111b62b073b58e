package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** The launcher pod that runs one VM instance: owned by it, so Kubernetes removes it with the VMI. */
public final class LauncherPods {
    public static final String VMI_LABEL = "podnic.dev/vmi";
    private final String image;

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
                    .addNewContainer()
                        .withName("launcher")
                        .withImage(image)
                        .withArgs("vmi", "up", "--proxy", "/run/podnic/podnic.sock", "/etc/podnic/vmi.yaml")
                    .endContainer()
                .endSpec()
                .build();
    }
}
