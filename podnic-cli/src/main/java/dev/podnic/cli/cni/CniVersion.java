package dev.podnic.cli.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnic.cli.Json;
import dev.podnic.cli.UserError;
import dev.podnic.cni.config.PluginConfig;
import dev.podnic.cni.version.SpecVersion;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Show which CNI versions plugins support (their VERSION answer) and, with --net, the "
            + "version podnic will speak with each plugin of that network.")
final class CniVersion implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Option(names = "--net", paramLabel = "NAME", description = "Report the plugins of this network.")
    String network;
    @Option(names = "--plugin", paramLabel = "TYPE", description = "Report this plugin; repeatable.")
    List<String> plugins = new java.util.ArrayList<>();
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode out = m.createObjectNode();
        var podnic = out.putArray("podnicSupports");
        for (SpecVersion v : SpecVersion.values()) {
            podnic.add(v.text());
        }
        if (network == null && plugins.isEmpty()) {
            spec.commandLine().getOut().println(Json.pretty(out));
            return 0;
        }
        try (var s = cni.open()) {
            var arr = out.putArray("plugins");
            if (network != null) {
                var list = s.configs().load(network);
                out.put("network", list.name());
                out.put("networkVersion", list.cniVersion().text());
                for (PluginConfig p : list.plugins()) {
                    ObjectNode o = report(s, p.type(), arr.addObject());
                    o.put("speaks", s.runtime().versions(p.type()).negotiate(list.cniVersion())
                            .map(SpecVersion::text).orElse("none (incompatible)"));
                }
            }
            for (String p : plugins) {
                report(s, p, arr.addObject());
            }
        }
        spec.commandLine().getOut().println(Json.pretty(out));
        return 0;
    }

    private static ObjectNode report(CniOptions.Session s, String type, ObjectNode o) {
        if (type.contains("/")) {
            throw new UserError("--plugin takes a plugin name, not a path: " + type);
        }
        var v = s.runtime().versions(type);
        o.put("type", type);
        var sup = o.putArray("supportedVersions");
        v.reported().forEach(sup::add);
        return o;
    }
}
