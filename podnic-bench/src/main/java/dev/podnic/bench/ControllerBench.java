package dev.podnic.bench;

import dev.podnic.k8s.controller.LauncherPods;
import dev.podnic.k8s.controller.Reconciled;
import dev.podnic.k8s.controller.VmiController;
import dev.podnic.k8s.crd.VirtualMachineInstance;
import dev.podnic.k8s.crd.VmiPhase;
import dev.podnic.k8s.crd.VmiStatus;
import dev.podnic.k8s.objects.LauncherReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time from VM instance creation to a status with IPs, for many instances created at once, against
 * fabric8's mock API server in CRUD mode, with the node side simulated (a watcher that answers each
 * new launcher pod with a node and a report, as a launcher does once bound). Baseline, same run and
 * server: the same API writes made directly (create VMI, create pod, report, write status), no
 * controller, with as many threads as the controller has workers.
 */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "VM instance creation to status with IPs, through the controller vs direct API writes.")
final class ControllerBench implements Callable<Integer> {
    @Option(names = "--instances", defaultValue = "100", description = "VM instances created at once (default ${DEFAULT-VALUE}).")
    int instances;
    @Option(names = "--workers", defaultValue = "4", description = "Controller workers, and baseline threads (default ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of each; the first is warm-up (default ${DEFAULT-VALUE}).")
    int rounds;
    /** Held so the level sticks: the mock server logs every request through java.util.logging. */
    private final Logger quiet = Logger.getLogger("io.fabric8");

    @Override
    public Integer call() throws Exception {
        quiet.setLevel(Level.WARNING);
        List<Double> controller = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // A fresh server per measurement: fabric8's mock can stall its event loop for ~25 s when many
            // watches close (seen after a controller round), which must not land in the next measurement.
            List<Double> c;
            List<Double> d;
            String cRequests;
            String dRequests;
            KubernetesMockServer server = server();
            try (KubernetesClient client = server.createClient()) {
                c = viaController(client, "c" + r);
                cRequests = drain(server);
            } finally {
                server.destroy();
            }
            server = server();
            try (KubernetesClient client = server.createClient()) {
                d = directly(client, "d" + r);
                dRequests = drain(server);
            } finally {
                server.destroy();
            }
            if (r > 0) {
                controller.addAll(c);
                direct.addAll(d);
            }
            System.out.printf("round %d%s: controller p50 %.1f ms, direct p50 %.1f ms%n", r, r == 0 ? " (warm-up)" : "",
                    Stats.quantile(c, 0.5), Stats.quantile(d, 0.5));
            System.out.printf("  API requests per instance: controller run %s; direct %s%n", cRequests, dRequests);
        }
        System.out.printf("%d instances at once, %d workers; creation to status with IPs, ms:%n", instances, workers);
        System.out.printf("  controller: p50 %.1f, p99 %.1f, max %.1f%n", Stats.quantile(controller, 0.5),
                Stats.quantile(controller, 0.99), Stats.quantile(controller, 1));
        System.out.printf("  direct API writes (baseline): p50 %.1f, p99 %.1f, max %.1f%n", Stats.quantile(direct, 0.5),
                Stats.quantile(direct, 0.99), Stats.quantile(direct, 1));
        System.out.printf("  ratio controller/direct: p50 %.2f, p99 %.2f%n",
                Stats.quantile(controller, 0.5) / Stats.quantile(direct, 0.5),
                Stats.quantile(controller, 0.99) / Stats.quantile(direct, 0.99));
        return 0;
    }

    private List<Double> viaController(KubernetesClient client, String namespace) throws Exception {
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Double> latency = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(instances);
        ExecutorService nodeSide = Executors.newFixedThreadPool(workers);
        try (VmiController controller = new VmiController(client, new LauncherPods("podnic/launcher:bench"), (vmi, node) -> Reconciled.done(), workers);
             var launchers = client.pods().inAnyNamespace().inform(onAdd((Pod p) -> {
                 if (namespace.equals(p.getMetadata().getNamespace())) {
                     nodeSide.execute(() -> report(client, p));
                 }
             }));
             var done = observeRunning(client, namespace, created, latency, all)) {
            controller.start();
            createAll(client, namespace, created);
            awaitAll(all, latency);
        } finally {
            nodeSide.shutdownNow();
        }
        return new ArrayList<>(latency.values());
    }

    /**
     * Stops an instance's clock when a watch sees it Running — the same way for the controller and the
     * baseline, so watch delivery is in both.
     */
    private static SharedIndexInformer<VirtualMachineInstance> observeRunning(KubernetesClient client, String namespace,
            Map<String, Long> created, Map<String, Double> latency, CountDownLatch all) {
        SharedIndexInformer<VirtualMachineInstance> done = client.resources(VirtualMachineInstance.class).inAnyNamespace().inform();
        done.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(VirtualMachineInstance v) {
                onUpdate(null, v);
            }

            @Override
            public void onUpdate(VirtualMachineInstance o, VirtualMachineInstance v) {
                Long start = created.get(v.getMetadata().getName());
                if (namespace.equals(v.getMetadata().getNamespace()) && start != null && v.getStatus() != null
                        && v.getStatus().getPhase() == VmiPhase.Running
                        && latency.putIfAbsent(v.getMetadata().getName(), (System.nanoTime() - start) / 1e6) == null) {
                    all.countDown();
                }
            }

            @Override
            public void onDelete(VirtualMachineInstance v, boolean unknown) {
            }
        });
        return done;
    }

    private void awaitAll(CountDownLatch all, Map<String, Double> latency) throws InterruptedException {
        if (!all.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + latency.size() + " of " + instances + " instances reached Running in 120 s");
        }
    }

    private static KubernetesMockServer server() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** The requests the server saw since the last call, per instance and by method (GET = get/list/watch). */
    private String drain(KubernetesMockServer server) throws InterruptedException {
        Map<String, Integer> byMethod = new java.util.TreeMap<>();
        int total = 0;
        for (RecordedRequest r; (r = server.takeRequest(20, TimeUnit.MILLISECONDS)) != null; total++) {
            byMethod.merge(r.getMethod(), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder(String.format("%.1f (", total / (double) instances));
        byMethod.forEach((m, n) -> b.append(m).append(' ').append(String.format("%.1f", n / (double) instances)).append(", "));
        return b.substring(0, Math.max(b.length() - 2, 0)) + ")";
    }

    /** The baseline: the same objects written directly, as few requests as it takes; clocks stop as the controller's do. */
    private List<Double> directly(KubernetesClient client, String namespace) throws Exception {
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Double> latency = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(instances);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        LauncherPods launchers = new LauncherPods("podnic/launcher:bench");
        try (var done = observeRunning(client, namespace, created, latency, all)) {
            long start = System.nanoTime();
            for (int i = 0; i < instances; i++) {
                String name = "vm" + i;
                created.put(name, start); // "created at once", as for the controller
                pool.execute(() -> {
                    VirtualMachineInstance vmi = client.resource(vmi(client, namespace, name)).create();
                    Pod pod = client.pods().resource(launchers.build(vmi)).create();
                    report(client, pod);
                    VmiStatus status = new VmiStatus();
                    status.setPhase(VmiPhase.Running);
                    vmi.setStatus(status);
                    client.resource(vmi).updateStatus();
                });
            }
            awaitAll(all, latency);
        } finally {
            pool.shutdown(); // the last status writes may still be waiting for their answers
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        return new ArrayList<>(latency.values());
    }

    private void createAll(KubernetesClient client, String namespace, Map<String, Long> created) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long start = System.nanoTime();
        for (int i = 0; i < instances; i++) {
            String name = "vm" + i;
            created.put(name, start); // "created at once": every instance's clock starts together
            pool.execute(() -> client.resource(vmi(client, namespace, name)).create());
        }
        pool.shutdown();
        pool.awaitTermination(120, TimeUnit.SECONDS);
    }

    private static VirtualMachineInstance vmi(KubernetesClient client, String namespace, String name) {
        return client.getKubernetesSerialization().unmarshal("""
                apiVersion: podnic.dev/v1alpha1
                kind: VirtualMachineInstance
                metadata: {name: %s, namespace: %s}
                spec:
                  domain: {devices: {interfaces: [{name: default, bridge: {}}]}}
                  networks: [{name: default, pod: {}}]
                """.formatted(name, namespace), VirtualMachineInstance.class);
    }

    /** The simulated node side: the launcher is scheduled and reports its bound vNIC. */
    private static void report(KubernetesClient client, Pod pod) {
        String ip = "10.244." + (Math.abs(pod.getMetadata().getName().hashCode()) % 250) + ".5/24";
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
            p.getSpec().setNodeName("node-1");
            p.getMetadata().getAnnotations().put(LauncherReport.ANNOTATION, client.getKubernetesSerialization().asJson(
                    List.of(new LauncherReport.Entry("default", "vmi0", null, List.of(ip)))));
            return p;
        });
    }

    private static <T> ResourceEventHandler<T> onAdd(java.util.function.Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                action.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }
}
