package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.api.VmiParser;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The manifests in deploy/ parse as Kubernetes objects and give the node daemon what it needs, no more. */
public class ManifestsTest {
    public static List<HasMetadata> load(String file) throws IOException {
        // One document gives one object, several a list.
        Object parsed = new KubernetesSerialization().unmarshal(Files.readString(Path.of("..", "deploy", file)));
        return parsed instanceof List<?> l ? l.stream().map(HasMetadata.class::cast).toList() : List.of((HasMetadata) parsed);
    }

    @Test
    void nodeDaemonSetMountsWhatTheDaemonUses() throws IOException {
        DaemonSet ds = load("node-daemon.yaml").stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast)
                .findFirst().orElseThrow();
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostPID()).as("caller identity needs host PIDs").isTrue();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).as("the token goes to the agent container alone").isFalse();
        Container daemon = container(pod, "node");
        assertThat(daemon.getSecurityContext().getPrivileged()).isTrue();
        Map<String, VolumeMount> mounts = mounts(daemon);
        assertThat(mounts).containsKeys("/etc/cni/net.d", "/opt/cni/bin", "/var/lib/cni", "/var/lib/podnic", "/run/podnic",
                "/run/podnic-admin", "/var/run/netns").doesNotContainKey(TOKEN_DIR);
        assertThat(mounts.get("/etc/cni/net.d").getReadOnly()).isTrue();
        assertThat(mounts.get("/opt/cni/bin").getReadOnly()).isTrue();
        assertThat(mounts.get("/var/run/netns").getMountPropagation()).isEqualTo("HostToContainer");
        assertThat(daemon.getArgs()).first().isEqualTo("node");
        assertThat(daemon.getArgs()).contains("--socket=" + LauncherPods.SOCKET, "--state-dir=/var/lib/podnic/node",
                "--admin-socket=/run/podnic-admin/admin.sock");
        assertThat(daemon.getArgs()).as("the daemon's own CNI cache (on the node's /run), never the kubelet's")
                .filteredOn(a -> a.startsWith("--cache-dir")).containsExactly("--cache-dir=/run/podnic-node/cni-cache");

        Container agent = container(pod, "agent");
        assertThat(agent.getArgs()).startsWith("node", "agent").contains("--admin-socket=/run/podnic-admin/admin.sock");
        assertThat(mounts(agent)).containsOnlyKeys("/run/podnic-admin", TOKEN_DIR);
        assertThat(agent.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(agent.getEnv()).singleElement().satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("spec.nodeName"));

        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        assertThat(volumes.get("podnic-admin").getEmptyDir()).as("the admin socket never leaves the pod").isNotNull();
        assertThat(volumes.get("podnic-run").getHostPath().getPath()).as("launcher pods mount the same directory")
                .isEqualTo(LauncherPods.SOCKET_DIR);
    }

    @Test
    void theLauncherPodReachesTheDaemonAndReadsItsVmWithoutAToken() throws IOException {
        VirtualMachineInstance vmi = new KubernetesSerialization().unmarshal(VmiControllerTest.example("vm1"), VirtualMachineInstance.class);
        vmi.getMetadata().setUid("uid-1");
        Pod launcher = new LauncherPods("podnic/podnic:0.1.0").build(vmi);
        PodSpec spec = launcher.getSpec();
        assertThat(spec.getAutomountServiceAccountToken()).isFalse();
        Container c = spec.getContainers().get(0);
        assertThat(c.getArgs()).contains("--proxy=" + LauncherPods.SOCKET, "--pod-netns=/proc/self/ns/net", "--hold", LauncherPods.SPEC_FILE);
        assertThat(mounts(c)).containsKeys(LauncherPods.SOCKET_DIR, "/etc/podnic");
        assertThat(c.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals(LauncherPods.SOCKET_DIR)).singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).as("a launcher cannot unlink or replace the daemon's socket").isTrue());
        Volume specVolume = spec.getVolumes().stream().filter(v -> v.getName().equals("vmi-spec")).findFirst().orElseThrow();
        assertThat(specVolume.getDownwardAPI().getItems()).singleElement().satisfies(i -> {
            assertThat("/etc/podnic/" + i.getPath()).isEqualTo(LauncherPods.SPEC_FILE);
            assertThat(i.getFieldRef().getFieldPath()).isEqualTo("metadata.annotations['" + LauncherPods.SPEC_ANNOTATION + "']");
        });
        // What the launcher will read is a VM instance podnic's parser takes, with the uid that names its attachments.
        String json = launcher.getMetadata().getAnnotations().get(LauncherPods.SPEC_ANNOTATION);
        var parsed = new VmiParser().parse(json.getBytes(StandardCharsets.UTF_8), LauncherPods.SPEC_FILE);
        assertThat(parsed.identity()).isEqualTo("uid-1");
        assertThat(parsed.nics()).hasSize(2);
    }

    private static final String TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, VolumeMount> mounts(Container c) {
        return c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
    }

    @Test
    void controllerReplicasElectALeaderUnderTheirServiceAccount() throws IOException {
        Deployment d = load("controller.yaml").stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        assertThat(d.getSpec().getReplicas()).as("a standby for fast failover").isGreaterThanOrEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--leader-elect");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).singleElement()
                .satisfies(e -> assertThat(e.getName()).isEqualTo("POD_NAMESPACE"));
        String sa = load("controller-rbac.yaml").stream().filter(o -> o.getKind().equals("ServiceAccount")).findFirst().orElseThrow()
                .getMetadata().getName();
        assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(sa);
        DaemonSet ds = load("node-daemon.yaml").stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast)
                .findFirst().orElseThrow();
        ClusterRoleBinding nodeBinding = load("node-daemon.yaml").stream().filter(ClusterRoleBinding.class::isInstance)
                .map(ClusterRoleBinding.class::cast).findFirst().orElseThrow();
        assertThat(nodeBinding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(ds.getSpec().getTemplate().getSpec().getServiceAccountName()));
    }

    @Test
    void controllerRbacParses() throws IOException {
        assertThat(load("controller-rbac.yaml")).extracting(HasMetadata::getKind)
                .containsExactly("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    }
}
