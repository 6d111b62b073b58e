package dev.podnic.cli.cni;

import dev.podnic.cli.Json;
import dev.podnic.cni.config.NetworkConfigList;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Attach: run the network's plugins with ADD and print the result (in the network's CNI version). "
            + "If any plugin fails, the whole chain is deleted again so nothing stays allocated.")
final class CniAdd implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Mixin AttachmentOptions attachment;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return add(cni, attachment, spec.commandLine().getOut());
    }

    /** The command's work, also run without picocli (CniStartPath). */
    static int add(CniOptions cni, AttachmentOptions attachment, PrintWriter out) {
        var rt = attachment.toRuntimeConf(true);
        try (var s = cni.open()) {
            NetworkConfigList list = s.configs().load(attachment.network);
            CniResult result = s.runtime().add(list, rt);
            out.println(Json.pretty(ResultJson.write(result, list.cniVersion())));
        }
        return 0;
    }
}
