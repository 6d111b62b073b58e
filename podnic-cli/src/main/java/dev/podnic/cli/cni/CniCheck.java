package dev.podnic.cli.cni;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Verify an attachment: run every plugin with CHECK against the cached ADD result "
            + "(networks of CNI version 0.4.0 or newer). Exit 0 means every plugin agreed.")
final class CniCheck implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Mixin AttachmentOptions attachment;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return check(cni, attachment, spec.commandLine().getErr());
    }

    /** The command's work, also run without picocli (CniStartPath). */
    static int check(CniOptions cni, AttachmentOptions attachment, PrintWriter err) {
        var rt = attachment.toRuntimeConf(true);
        try (var s = cni.open()) {
            var list = s.configs().load(attachment.network);
            var asked = s.runtime().check(list, rt);
            err.println(asked.isEmpty()
                    ? "check skipped: network " + list.name() + " disables CHECK"
                    : "check ok: " + String.join(", ", asked));
        }
        return 0;
    }
}
