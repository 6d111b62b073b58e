package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The manifests in deploy/ parse as Kubernetes objects and give the node daemon what it needs, no more. */
class ManifestsTest {
    static List<HasMetadata> load(String file) throws IOException {
        return new KubernetesSerialization().unmarshal(Files.readString(Path.of("..", "deploy", file)));
    }

    @Test
    void nodeDaemonSetMountsWhatTheDaemonUses() throws IOException {
        DaemonSet ds = load("node-daemon.yaml").stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast)
                .findFirst().orElseThrow();
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostPID()).as("caller identity needs host PIDs").isTrue();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).as("the daemon needs no API access").isFalse();
        var container = pod.getContainers().get(0);
        assertThat(container.getSecurityContext().getPrivileged()).isTrue();
        Map<String, VolumeMount> mounts = container.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
        assertThat(mounts).containsKeys("/etc/cni/net.d", "/opt/cni/bin", "/var/lib/cni", "/var/lib/podnic", "/run/podnic", "/var/run/netns");
        assertThat(mounts.get("/etc/cni/net.d").getReadOnly()).isTrue();
        assertThat(mounts.get("/opt/cni/bin").getReadOnly()).isTrue();
        assertThat(mounts.get("/var/run/netns").getMountPropagation()).isEqualTo("HostToContainer");
        assertThat(container.getArgs()).first().isEqualTo("node");
        assertThat(container.getArgs()).contains("--socket=/run/podnic/node.sock", "--state-dir=/var/lib/podnic/node",
                "--cache-dir=/var/lib/cni");
        pod.getVolumes().forEach(v -> assertThat(v.getHostPath()).as(v.getName()).isNotNull());
    }

    @Test
    void controllerRbacParses() throws IOException {
        assertThat(load("controller-rbac.yaml")).extracting(HasMetadata::getKind)
                .containsExactly("ServiceAccount", "ClusterRole", "ClusterRoleBinding");
    }
}
