package dev.podnic.cli.k8s;

import dev.podnic.cli.HostPort;
import dev.podnic.cli.UserError;
import dev.podnic.k8s.admission.AdmissionServer;
import dev.podnic.k8s.admission.VmiAdmission;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "webhook", description = {"The validating admission webhook for VirtualMachineInstances (deploy/webhook.yaml): "
        + "POST /validate runs the same validation as `podnic validate` and denies with every bad field named; "
        + "GET /healthz. HTTPS only, with the PEM certificate and PKCS#8 key a Secret or cert-manager provides.",
        "",
        "  podnic webhook --tls-cert /etc/podnic/tls/tls.crt --tls-key /etc/podnic/tls/tls.key"})
public final class WebhookCommand implements Callable<Integer> {
    @Option(names = "--address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8443", description = "(default: ${DEFAULT-VALUE})")
    String address;
    @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "/etc/podnic/tls/tls.crt", description = "(default: ${DEFAULT-VALUE})")
    Path cert;
    @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "/etc/podnic/tls/tls.key",
            description = "PKCS#8 PEM (default: ${DEFAULT-VALUE}).")
    Path key;

    @Override
    public Integer call() throws Exception {
        for (Path p : new Path[] {cert, key}) {
            if (!Files.isReadable(p)) {
                throw new UserError((p == cert ? "--tls-cert " : "--tls-key ") + p + ": no such readable file");
            }
        }
        InetSocketAddress listen = HostPort.parse("--address", address);
        AdmissionServer server = AdmissionServer.start(listen, cert, key, new VmiAdmission());
        System.err.println("podnic webhook: serving https://" + listen.getHostString() + ":" + server.port() + "/validate");
        Until.stopped(server);
        return 0;
    }
}
