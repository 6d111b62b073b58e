package dev.podnic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.podnic.api.VNic;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate",
        description = {"Check a VM instance spec (the seed's form, kind VirtualMachine with type: pod-network "
            + "interfaces, or KubeVirt's, with bridge: {} interfaces bound to pod: {} networks) and print it "
            + "normalized: every pod-network vNIC with its MAC (given, or derived stably from the VM's identity), "
            + "model and the VMI interface podnic will create for it. On errors, prints each with its field path "
            + "and value and exits 1."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "YAML or JSON file; - for standard input.")
    String file;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        byte[] bytes;
        if (file.equals("-")) {
            bytes = System.in.readAllBytes();
        } else {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new UserError(file + ": no such file");
            }
            bytes = Files.readAllBytes(p);
        }
        VmiSpec vmi = new VmiParser().parse(bytes, file);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        ObjectNode out = yaml.createObjectNode();
        out.put("name", vmi.name());
        out.put("namespace", vmi.namespace());
        out.put("identity", vmi.identity());
        out.put("form", vmi.form().name().toLowerCase());
        var nics = out.putArray("interfaces");
        for (VNic n : vmi.nics()) {
            nics.addObject().put("name", n.name()).put("mac", n.mac().toString())
                    .put("macSource", n.macGenerated() ? "generated" : "spec")
                    .put("model", n.model().libvirtName()).put("vmiInterface", n.vmiInterface());
        }
        spec.commandLine().getOut().print(yaml.writeValueAsString(out));
        return 0;
    }
}
