package dev.podnic.cli;

import static dev.podnic.cni.testing.TestNamespaces.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.podnic.cni.testing.RealPlugins;
import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.netlink.netns.NetnsThread;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image, from its own files (the root file system scripts/image builds; `scripts/test` builds it
 * first): every command line the manifests use parses there with the entry point's JVM flags, and
 * every role does one real thing — the node daemon serves (with the node's plugins mounted as the
 * DaemonSet mounts them) and a launcher pod brings a VM's vNICs up through it (dual stack, the image's
 * dnsmasq and podnic-ra) and releases them; install-cni writes a podnic-shim that runs on the host; the
 * webhook answers an admission review over TLS; the controller makes a VM's launcher pod and the node
 * agent syncs, against an API server. (The sidecar, as each KubeVirt starts it: SidecarUnderKubevirtIT.)
 */
@Timeout(300)
class ImageIT {
    @TempDir
    Path tmp;
    private TestNamespaces namespaces;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void theImageIsBuilt() {
        ImageRoot.requireBuilt();
    }

    @BeforeEach
    void namespaces() {
        namespaces = new TestNamespaces();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroy(); // SIGTERM, as the kubelet stops a container
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        namespaces.close();
    }

    private ImageRoot image(String name) {
        return new ImageRoot(tmp.resolve("scratch-" + name));
    }

    private static Container container(String name) throws Exception {
        return DeployManifestsTest.containers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyManifestsCommandLineParsesInTheImage() throws Exception {
        Outcome version = image("version").run(null, List.of("--version"));
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out().strip()).isEqualTo("podnic 0.1.0");
        // The image's class-data archive fits its JVM and jar (-Xshare:on fails otherwise) and serves podnic's classes.
        Outcome archived = image("archive").env("PODNIC_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info").run(null, List.of("--version"));
        assertThat(archived.exit()).as(archived.out()).isZero();
        assertThat(archived.out()).contains("dev.podnic.cli.Main source: shared objects file");
        for (Container c : DeployManifestsTest.containers()) {
            List<String> args = new ArrayList<>(c.getArgs());
            args.add("--help"); // parsed as given, then the command's help instead of its work
            Outcome o = image("help-" + c.getName()).run(null, args);
            assertThat(o.exit()).as(c.getName() + " " + c.getArgs() + ":\n" + o.out()).isZero();
            assertThat(o.out()).as(c.getName()).contains("Usage: podnic");
        }
    }

    /**
     * The DaemonSet's node container and a launcher pod as the controller makes it, both from the image,
     * on a node (a namespace) whose CNI plugins are the machine's Debian ones mounted at /opt/cni/bin.
     */
    @Test
    void theNodeDaemonServesALauncherPodFromTheImage() throws Exception {
        String node = namespaces.create();
        String pod = namespaces.create();
        Path run = Files.createDirectories(tmp.resolve("run-podnic"));
        Path state = Files.createDirectories(tmp.resolve("podnic-state"));
        Path netd = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(netd.resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"isGateway\":true,\"ipMasq\":false,"
                + "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.250.31.0/24\"}],[{\"subnet\":\"fd00:250:31::/64\"}]],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"::/0\"}]}}]}");
        Path cniState = Files.createDirectories(tmp.resolve("cni-state"));
        ImageRoot daemonImage = image("node").bind(netd, "/etc/cni/net.d").bind(Path.of(RealPlugins.DIR), "/opt/cni/bin")
                .bind(cniState, "/var/lib/cni").bind(state, "/var/lib/podnic").bind(run, "/run/podnic")
                .bind(Files.createDirectories(tmp.resolve("admin")), "/run/podnic-admin").bind(Path.of("/run/netns"), "/var/run/netns");
        Path daemonLog = tmp.resolve("node.log");
        Process daemon;
        try (NetnsThread n = NetnsThread.enter(path(node))) {
            daemon = daemonImage.start(n, daemonLog, container("node").getArgs());
        }
        started.add(daemon);
        PodnicProcesses.awaitLine(daemonLog, "msg=\"serving\"", daemon);
        assertThat(run.resolve("node.sock")).exists();
        assertThat(state.resolve("node/binding.sock")).exists();

        // A launcher pod, exactly as the controller makes it (its spec file as the downward API writes it).
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("vm1").withNamespace("ns").withUid("u1").build());
        vmi.setSpec(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(
                Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml")).replace("apiVersion: kubevirt.io/v1",
                        "apiVersion: podnic.dev/v1alpha1").replace("kind: VirtualMachine", "kind: VirtualMachineInstance"),
                VirtualMachineInstance.class).getSpec());
        Pod launcherPod = new LauncherPods("podnic/podnic:0.1.0").build(vmi);
        Path etc = Files.createDirectories(tmp.resolve("etc-podnic"));
        Files.writeString(etc.resolve(Path.of(LauncherPods.SPEC_FILE).getFileName().toString()),
                launcherPod.getMetadata().getAnnotations().get(LauncherPods.SPEC_ANNOTATION));
        ImageRoot launcherImage = image("launcher").bind(run, "/run/podnic").bind(etc, "/etc/podnic")
                .bind(Files.createDirectories(tmp.resolve("launcher-state")), "/var/lib/podnic");
        Path launcherLog = tmp.resolve("launcher.log");
        Process launcher;
        try (NetnsThread p = NetnsThread.enter(path(pod))) {
            launcher = launcherImage.start(p, launcherLog, launcherPod.getSpec().getContainers().get(0).getArgs());
        }
        started.add(launcher);
        PodnicProcesses.awaitLine(launcherLog, "holding until SIGTERM", launcher);
        String up = Files.readString(launcherLog);
        assertThat(up).contains("address        10.250.31.").contains("IPv6 address   fd00:250:31::").contains("DHCP           dnsmasq");
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("/usr/sbin/dnsmasq")
                && c.contains("/var/lib/podnic/dhcp")).orElse(false)).count()).as("the image's dnsmasq serves each vNIC").isEqualTo(2);

        Outcome ls = image("node-ls").bind(state, "/var/lib/podnic").run(null, List.of("node", "ls", "--state-dir=/var/lib/podnic/node"));
        assertThat(ls.exit()).as(ls.out()).isZero();
        assertThat(ls.out()).contains("vmi0").contains("ADDED").contains("10.250.31.").contains("fd00:250:31::");

        launcher.destroy(); // the pod is deleted: SIGTERM, and the launcher releases everything
        assertThat(launcher.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(launcherLog)).contains("released");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(image("node-ls-after").bind(state, "/var/lib/podnic")
                        .run(null, List.of("node", "ls", "--state-dir=/var/lib/podnic/node")).out()).doesNotContain("vmi"));
    }

    /** install-cni writes podnic-shim to the host; run there (no JVM, no image), it speaks CNI even when no daemon listens. */
    @Test
    void installCniWritesAShimThatRunsOnTheHost() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("cni-bin"));
        Outcome o = image("install-cni").bind(bin, "/host/opt/cni/bin").run(null, container("install-cni").getArgs());
        assertThat(o.exit()).as(o.out()).isZero();
        // VERSION is its own answer; an ADD goes to the daemon, which is not there: "try again later".
        assertThat(shim(bin, "VERSION")).startsWith("0:").contains("\"supportedVersions\":[\"0.3.0\"");
        assertThat(shim(bin, "ADD")).startsWith("1:").contains("\"code\":11").contains("the podnic node daemon is not reachable");
    }

    /** The written podnic-shim run on the host with no daemon: "exit status:stdout". */
    private String shim(Path bin, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("podnic-shim").toString()).redirectErrorStream(true);
        pb.environment().put("CNI_COMMAND", command);
        pb.environment().put("CNI_CONTAINERID", "c1");
        pb.environment().put("CNI_IFNAME", "net1");
        pb.environment().put("CNI_NETNS", "/var/run/netns/none");
        pb.environment().put("PODNIC_BINDING_SOCKET", tmp.resolve("no-daemon.sock").toString());
        Process shim = pb.start();
        shim.getOutputStream().write("{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        shim.getOutputStream().close();
        String answer = new String(shim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return shim.waitFor() + ":" + answer;
    }

    /** The webhook as deploy/webhook.yaml runs it (in a namespace of its own: it listens on 0.0.0.0), with a certificate made here. */
    @Test
    void theWebhookAnswersAnAdmissionReviewOverTlsFromTheImage() throws Exception {
        Path tls = Files.createDirectories(tmp.resolve("tls"));
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", tls.resolve("tls.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-alias", "tls",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=podnic-webhook", "-ext", "SAN=ip:127.0.0.1", "-validity", "1")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.resolve("tls.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        Files.writeString(tls.resolve("tls.crt"), pem("CERTIFICATE", store.getCertificate("tls").getEncoded()));
        Files.writeString(tls.resolve("tls.key"), pem("PRIVATE KEY", store.getKey("tls", "changeit".toCharArray()).getEncoded()));
        String ns = namespaces.create();
        Path log = tmp.resolve("webhook.log");
        Process webhook;
        try (NetnsThread n = NetnsThread.enter(path(ns))) {
            webhook = image("webhook").bind(tls, "/etc/podnic/tls").start(n, log, container("webhook").getArgs());
        }
        started.add(webhook);
        Path review = Files.writeString(tmp.resolve("review.json"), """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"CREATE",
                 "namespace":"default","name":"vm1","object":{"apiVersion":"podnic.dev/v1alpha1","kind":"VirtualMachineInstance",
                 "metadata":{"name":"vm1"},"spec":{"domain":{"devices":{"interfaces":[{"name":"default","bridge":{},"model":"rtl8029"}]}},
                 "networks":[{"name":"default","pod":{}}]}}}}""");
        // curl in the webhook's namespace, trusting exactly its certificate (the path is the ValidatingWebhookConfiguration's).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(webhook.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(TestNamespaces.run(List.of("ip", "netns", "exec", ns, "curl", "-sS", "--cacert", tls.resolve("tls.crt").toString(),
                    "-H", "Content-Type: application/json", "--data-binary", "@" + review, "https://127.0.0.1:8443/validate")))
                    .contains("\"uid\":\"u-1\"").contains("\"allowed\":false").contains("unknown NIC model");
        });
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /**
     * The controller and the node agent from the image against an API server (fabric8's mock, on
     * loopback, reached through a kubeconfig): the controller makes a VM's launcher pod, the agent
     * (beside a node daemon from the image, through its admin socket) syncs and says it is healthy.
     * Their health ports are moved to free loopback ports here (the command lines otherwise as the
     * manifests give them; the first test parses them exactly).
     */
    @Test
    void theControllerAndTheNodeAgentWorkAgainstTheApiFromTheImage() throws Exception {
        var server = new io.fabric8.kubernetes.client.server.mock.KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        try (var client = server.createClient()) {
            client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
                    .build()).create();
            Path kube = Files.createDirectories(tmp.resolve("kube"));
            Files.writeString(kube.resolve("config"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster: {server: 'http://127.0.0.1:"
                    + server.getPort() + "'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: mock, user: u}\n"
                    + "current-context: c\n");

            int controllerHealth = freePort();
            List<String> controllerArgs = container("controller").getArgs().stream()
                    .map(a -> a.startsWith("--health-address=") ? "--health-address=127.0.0.1:" + controllerHealth : a).toList();
            Path controllerLog = tmp.resolve("controller.log");
            started.add(image("controller").bind(kube, "/etc/podnic-kube").env("KUBECONFIG", "/etc/podnic-kube/config")
                    .start(null, controllerLog, controllerArgs));
            String yaml = Files.readString(Path.of("..", "examples", "kubevirt-form-vmi.yaml"))
                    .replace("apiVersion: kubevirt.io/v1", "apiVersion: podnic.dev/v1alpha1").replace("name: testvm", "name: vm7\n  namespace: team-a");
            client.resource(client.getKubernetesSerialization().unmarshal(yaml, VirtualMachineInstance.class)).create();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(started.get(0).isAlive()).as(Files.readString(controllerLog)).isTrue();
                Pod launcher = client.pods().inNamespace("team-a").withName(LauncherPods.podName("vm7")).get();
                assertThat(launcher).as("the launcher pod the controller makes").isNotNull();
                assertThat(launcher.getSpec().getContainers().get(0).getImage()).isEqualTo("podnic/podnic:0.1.0");
            });

            // The agent needs its node's daemon: one from the image, in a node namespace, its admin socket shared.
            String node = namespaces.create();
            Path admin = Files.createDirectories(tmp.resolve("admin"));
            Path netd = Files.createDirectories(tmp.resolve("net.d"));
            Files.writeString(netd.resolve("10-podnet.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
                    + "{\"type\":\"bridge\",\"bridge\":\"cni-podnic\",\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.250.32.0/24\"}]]}}]}");
            Path daemonLog = tmp.resolve("node.log");
            Process daemon;
            try (NetnsThread n = NetnsThread.enter(path(node))) {
                daemon = image("node").bind(netd, "/etc/cni/net.d").bind(Path.of(RealPlugins.DIR), "/opt/cni/bin")
                        .bind(Files.createDirectories(tmp.resolve("cni-state")), "/var/lib/cni")
                        .bind(Files.createDirectories(tmp.resolve("podnic-state")), "/var/lib/podnic")
                        .bind(Files.createDirectories(tmp.resolve("run-podnic")), "/run/podnic").bind(admin, "/run/podnic-admin")
                        .bind(Path.of("/run/netns"), "/var/run/netns").start(n, daemonLog, container("node").getArgs());
            }
            started.add(daemon);
            PodnicProcesses.awaitLine(daemonLog, "msg=\"serving\"", daemon);
            int agentHealth = freePort();
            List<String> agentArgs = container("agent").getArgs().stream()
                    .map(a -> a.replace("$(NODE_NAME)", "node-1"))
                    .map(a -> a.startsWith("--health-address=") ? "--health-address=127.0.0.1:" + agentHealth : a).toList();
            Path agentLog = tmp.resolve("agent.log");
            Process agent = image("agent").bind(admin, "/run/podnic-admin").bind(kube, "/etc/podnic-kube")
                    .env("KUBECONFIG", "/etc/podnic-kube/config").start(null, agentLog, agentArgs);
            started.add(agent);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
                assertThat(agent.isAlive()).as(Files.readString(agentLog)).isTrue();
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + agentHealth + "/healthz"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });
        } finally {
            stop();
            started.clear();
            server.destroy();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
