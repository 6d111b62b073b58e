package dev.podnic.cli;

import dev.podnic.kubevirt.sidecar.DomainInterfaces;
import dev.podnic.kubevirt.sidecar.HookServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sidecar",
        description = {"The KubeVirt network binding sidecar: runs beside virt-launcher's compute container (KubeVirt starts it "
            + "from the binding's sidecarImage) and answers KubeVirt's hook gRPC on a socket in --socket-dir. For each VMI "
            + "interface bound to this plugin it adds the domain <interface> that plugs the VM into the tap the podnic node "
            + "daemon prepared in the pod. Unprivileged; exits when virt-launcher says the VM shut down.",
            "",
            "  podnic sidecar                       (in the image; KubeVirt sets NETWORK_BINDING_PLUGIN_NAME)"})
final class SidecarCommand implements Callable<Integer> {
    @Option(names = "--socket-dir", paramLabel = "DIR", defaultValue = "/var/run/kubevirt-hooks",
            description = "Where virt-launcher looks for hook sockets (default: ${DEFAULT-VALUE}).")
    Path socketDir;
    @Option(names = "--binding-name", paramLabel = "NAME", defaultValue = "${env:NETWORK_BINDING_PLUGIN_NAME:-podnic}",
            description = "The name the binding is registered under in the KubeVirt CR: interfaces with binding.name equal to it "
                    + "are this sidecar's (default: $NETWORK_BINDING_PLUGIN_NAME, else podnic; now: ${DEFAULT-VALUE}).")
    String bindingName;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch done = new CountDownLatch(1);
        DomainInterfaces domains = new DomainInterfaces(bindingName, DomainInterfaces.PodLinks.ownNamespace());
        try (HookServer server = HookServer.start(socketDir.resolve(HookServer.NAME + ".sock"), domains, done::countDown,
                line -> log(err, "warn", line))) {
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown));
            log(err, "info", "serving KubeVirt hooks " + HookServer.VERSION + " on " + server.socket() + " for binding " + bindingName);
            done.await();
            log(err, "info", "VM shut down: exiting");
        }
        return 0;
    }

    private static synchronized void log(PrintWriter err, String level, String msg) {
        err.printf("ts=%s level=%s component=podnic-sidecar msg=\"%s\"%n", java.time.Instant.now(), level, msg.replace('"', '\''));
        err.flush();
    }
}
