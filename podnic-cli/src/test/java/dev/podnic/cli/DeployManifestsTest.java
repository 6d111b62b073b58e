package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every container podnic ships runs a real `podnic` command line: the manifests' arguments (and the
 * launcher pods the controller makes) parse with this CLI, all use the image the Dockerfile builds
 * from this version, and the webhook's wiring (Service, path, TLS files) meets the command's.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final String IMAGE = "podnic/podnic:0.1.0";

    private static List<HasMetadata> load(String file) throws IOException {
        // One document gives one object, several a list.
        Object parsed = new KubernetesSerialization().unmarshal(Files.readString(DEPLOY.resolve(file)));
        return parsed instanceof List<?> l ? l.stream().map(HasMetadata.class::cast).toList() : List.of((HasMetadata) parsed);
    }

    static List<Container> containers() throws IOException {
        List<Container> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (HasMetadata o : load(f.getFileName().toString())) {
                    PodSpec spec = o instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                            : o instanceof DaemonSet ds ? ds.getSpec().getTemplate().getSpec() : null;
                    if (spec != null) {
                        out.addAll(spec.getInitContainers());
                        out.addAll(spec.getContainers());
                    }
                }
            }
        }
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("vm").withNamespace("ns").withUid("u").build());
        out.addAll(new LauncherPods(IMAGE).build(vmi).getSpec().getContainers());
        return out;
    }

    @Test
    void everyContainerRunsAPodnicCommandLineFromTheImageOfThisVersion() throws IOException {
        List<Container> all = containers();
        assertThat(all).extracting(Container::getName).contains("node", "agent", "controller", "webhook", "launcher", "install-cni");
        for (Container c : all) {
            assertThat(c.getImage()).as(c.getName()).isEqualTo(IMAGE);
            assertThat(c.getCommand()).as(c.getName() + ": the image's entry point is the podnic command").isNullOrEmpty();
            CommandLine.ParseResult parsed = PodnicCommand.commandLine().parseArgs(c.getArgs().toArray(String[]::new));
            assertThat(parsed.subcommand()).as(c.getName() + " " + c.getArgs()).isNotNull();
        }
        assertThat(PodnicCommand.commandLine().getCommandSpec().version()).containsExactly("podnic 0.1.0");
        assertThat(new dev.podnic.cli.k8s.ControllerCommand()).satisfies(cmd -> {
            new CommandLine(cmd).parseArgs();
            assertThat(cmd).extracting("launcherImage").isEqualTo(IMAGE);
        });
    }

    @Test
    void livenessProbesAskWhereTheCommandsServeHealth() throws IOException {
        for (Container c : containers()) {
            if (c.getLivenessProbe() == null || c.getLivenessProbe().getHttpGet() == null) {
                continue;
            }
            var get = c.getLivenessProbe().getHttpGet();
            String host = get.getHost() == null ? "0.0.0.0" : get.getHost();
            String served = c.getArgs().stream().filter(a -> a.startsWith("--health-address=") || a.startsWith("--metrics-address=")
                    || a.startsWith("--address=")).findFirst().map(a -> a.substring(a.indexOf('=') + 1)).orElse("");
            assertThat(served).as(c.getName() + " serves its probe").isEqualTo(host + ":" + get.getPort().getIntVal());
            assertThat(get.getPath()).isEqualTo("/healthz");
        }
        assertThat(containers()).filteredOn(c -> c.getLivenessProbe() != null).extracting(Container::getName)
                .contains("node", "agent", "controller", "webhook");
    }

    @Test
    void theDockerfileBuildsTheJarTheImageRunsWithWhatTheLauncherNeeds() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).contains("-pl podnic-cli -am package")
                .contains("COPY --from=build /src/podnic-cli/target/podnic.jar /src/podnic-cli/target/podnic-sidecar /opt/podnic/")
                .contains("gcc libc6-dev") // podnic-shim and podnic-ra are built with the jar
                .contains("golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev")
                .contains("protobuf-compiler protoc-gen-go protoc-gen-go-grpc") // and podnic-sidecar
                .contains("COPY deploy/image/packages") // the packages and entry point scripts/image uses too
                .contains("COPY deploy/image/podnic deploy/image/podnic-class-data /usr/local/bin/")
                .contains("RUN podnic-class-data") // after the JVM and the jar it fits
                .contains("ENTRYPOINT [\"/usr/local/bin/podnic\"]")
                .doesNotContain("CMD"); // without arguments: the sidecar where KubeVirt starts it, else the help
        assertThat(Files.readString(DEPLOY.resolve("image/packages"))).contains("openjdk-17-jre-headless")
                .contains("dnsmasq-base"); // the launcher's --dhcp=dnsmasq, the KubeVirt binding's servers
        assertThat(Files.readString(DEPLOY.resolve("image/podnic"))).contains("${PODNIC_JAR:-/opt/podnic/podnic.jar}")
                .contains("-cp \"$jar\" dev.podnic.cli.Main \"$@\"")
                .contains("sidecar=${PODNIC_SIDECAR:-${jar%/*}/podnic-sidecar}");
        assertThat(Files.readString(DEPLOY.resolve("image/podnic-class-data"))).contains("${1:-/opt/podnic/podnic.jar}")
                .contains(ClassDataTraining.class.getName());
        assertThat(Files.readString(Path.of("..", "scripts", "image"))).contains("deploy/image/packages").contains("deploy/image/podnic")
                .contains("deploy/image/podnic-class-data").contains("\"$root/opt/podnic/podnic-sidecar\"");
        assertThat(Files.readString(Path.of("pom.xml"))).as("the jar the Dockerfile copies is what this module builds (shade)")
                .contains("<finalName>podnic</finalName>");
    }

    @Test
    void theWebhookServiceAndConfigurationReachTheCommand() throws IOException {
        List<HasMetadata> objects = load("webhook.yaml");
        Container webhook = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        Service service = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).findFirst().orElseThrow();
        ValidatingWebhookConfiguration config = objects.stream().filter(ValidatingWebhookConfiguration.class::isInstance)
                .map(ValidatingWebhookConfiguration.class::cast).findFirst().orElseThrow();
        var hook = config.getWebhooks().get(0);
        assertThat(hook.getClientConfig().getService().getName()).isEqualTo(service.getMetadata().getName());
        assertThat(hook.getClientConfig().getService().getPath()).isEqualTo("/validate");
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8443);
        assertThat(webhook.getArgs()).contains("--address=0.0.0.0:8443");
        assertThat(webhook.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/etc/podnic/tls"));
        assertThat(webhook.getArgs()).contains("--tls-cert=/etc/podnic/tls/tls.crt", "--tls-key=/etc/podnic/tls/tls.key");
        assertThat(hook.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getApiGroups()).containsExactly(VirtualMachineInstance.GROUP);
            assertThat(r.getApiVersions()).containsExactly(VirtualMachineInstance.VERSION);
            assertThat(r.getResources()).containsExactly("virtualmachineinstances");
        });
        assertThat(hook.getMatchConditions()).as("metadata-only writes never wait for the webhook").singleElement()
                .satisfies(m -> assertThat(m.getExpression()).contains("object.spec != oldObject.spec"));
        Map<String, String> annotations = config.getMetadata().getAnnotations();
        assertThat(annotations).containsKey("cert-manager.io/inject-ca-from");
    }

    /** The daemon's binding socket is where podnic-shim looks by default, in a directory no pod mounts. */
    @Test
    void theBindingSocketIsWherePodnicCniLooksAndOutOfEveryPodsReach() throws IOException {
        Container node = containers().stream().filter(c -> c.getName().equals("node")).findFirst().orElseThrow();
        assertThat(node.getArgs()).contains("--binding-socket=/var/lib/podnic/node/binding.sock");
        assertThat(new String(dev.podnic.shim.CniShim.open().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("podnic-shim's default").contains("/var/lib/podnic/node/binding.sock");
        io.fabric8.kubernetes.api.model.Pod launcher = new LauncherPods(IMAGE).build(launcherVmi());
        assertThat(launcher.getSpec().getVolumes()).noneMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().startsWith("/var/lib/podnic"));
    }

    /**
     * The binding's state and the daemon's CNI cache are on the node's /run (a tmpfs: they end with the node's pods), in no
     * pod and under no socket pods mount.
     */
    @Test
    void theBindingsStateIsOnTheNodesRunAndOutOfEveryPodsReach() throws IOException {
        Container node = containers().stream().filter(c -> c.getName().equals("node")).findFirst().orElseThrow();
        assertThat(node.getArgs()).contains("--binding-state-dir=/run/podnic-node/kubevirt", "--cache-dir=/run/podnic-node/cni-cache");
        assertThat(node.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/run/podnic-node"));
        assertThat(containers()).filteredOn(c -> !c.getName().equals("node")).allSatisfy(c -> assertThat(c.getVolumeMounts())
                .noneMatch(m -> m.getMountPath().startsWith("/run/podnic-node")));
        io.fabric8.kubernetes.api.model.Pod launcher = new LauncherPods(IMAGE).build(launcherVmi());
        assertThat(launcher.getSpec().getVolumes()).noneMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().startsWith("/run/podnic-node"));
    }

    private static VirtualMachineInstance launcherVmi() {
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("vm").withNamespace("ns").withUid("u").build());
        return vmi;
    }
}
