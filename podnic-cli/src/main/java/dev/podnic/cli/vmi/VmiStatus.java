package dev.podnic.cli.vmi;

import dev.podnic.api.VmNames;
import dev.podnic.binding.apply.VmiHealth;
import dev.podnic.binding.record.VNicRecord;
import dev.podnic.binding.record.VmiRecord;
import dev.podnic.cli.Json;
import dev.podnic.cli.cni.CniOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {"Show what podnic recorded for the VM: per vNIC the step reached, bridge, "
        + "address, gateway, routes, MTU, DNS and DHCP server. Exit 1 when nothing is recorded.",
        "With --check, also check each vNIC against the pod as it is now: the attachment (with --proxy, the node daemon's "
        + "CHECK), the VMI interface (there, up, a port of its bridge, no IPv4 address left: the guest has it), the bridge "
        + "and its address, the DHCP server. Exit 3 when anything is wrong; `podnic vmi up` again repairs most of it.",
        "(The CNI plugins' own CHECK cannot pass for a bound vNIC: it looks for the address podnic moved to the guest.)"})
final class VmiStatus implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The VM's name.")
    String name;
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default", description = "The VM's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;
    @Option(names = "--check", description = "Check the vNICs against the pod as it is now (needs the pod's namespace, as up).")
    boolean check;
    @Mixin CniOptions cni;
    @Mixin VmiOptions vmiOptions;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmiRecord rec = vmiOptions.records().load(namespace, name).orElse(null);
        if (rec == null) {
            spec.commandLine().getErr().println("nothing recorded for " + namespace + "/" + name);
            return 1;
        }
        VmiHealth health = check ? health(rec) : null;
        if (output.equals("json")) {
            out.println(Json.pretty(health == null ? rec : Map.of("record", rec, "health", health)));
            return health == null || health.healthy() ? 0 : 3;
        }
        out.printf("%s/%s  pod netns %s  network %s  container ID %s  DHCP %s%n", rec.namespace(), rec.name(),
                rec.podNetns(), rec.network().isEmpty() ? "(node daemon's default)" : rec.network(),
                rec.containerId() == null ? "(derived by the node daemon)" : rec.containerId(), rec.backend());
        for (VNicRecord n : rec.nics()) {
            out.printf("  %-10s %-9s %s %s  %s on %s  %s gw %s mtu %d  %s%n", n.name(), n.step(), n.mac(), n.model(),
                    n.vmiInterface(), n.bridge(), n.address() == null ? "-" : n.address(), n.gateway() == null ? "-" : n.gateway(),
                    n.mtu(), n.dhcp() == null ? "" : n.dhcp().ref());
            if (n.address6() != null) {
                out.printf("  %-10s IPv6 %s router %s%n", "", n.address6(), n.router6() == null ? "- (none advertised)" : n.router6());
            }
            if (health != null) {
                List<String> problems = health.problems().getOrDefault(n.vmiInterface(), List.of());
                out.println(problems.isEmpty() ? "    healthy" : "    UNHEALTHY: " + String.join("; ", problems));
            }
        }
        return health == null || health.healthy() ? 0 : 3;
    }

    private VmiHealth health(VmiRecord rec) {
        Path podNetns = Path.of(rec.podNetns());
        if (!Files.exists(podNetns)) {
            List<String> gone = List.of("the pod's network namespace " + podNetns + " is gone");
            Map<String, List<String>> problems = new LinkedHashMap<>();
            rec.nics().forEach(n -> problems.put(n.vmiInterface(), gone));
            return new VmiHealth(rec.namespace(), rec.name(), problems);
        }
        try (Pod pod = new Pod(cni, vmiOptions, rec.network().isEmpty() ? null : rec.network(), podNetns, rec.backend(),
                Path.of("/etc/resolv.conf"), VmNames.of(rec.identity()))) {
            return pod.engine.health(rec.namespace(), rec.name()).orElseThrow();
        }
    }
}
