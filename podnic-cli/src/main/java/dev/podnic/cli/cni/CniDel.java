package dev.podnic.cli.cni;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "del", mixinStandardHelpOptions = true,
        description = "Detach: run the network's plugins with DEL in reverse order, using the cached ADD result. "
            + "Safe to repeat, and works after the container's namespace is gone (--netns may then be "
            + "omitted if --container-id is given).")
final class CniDel implements Callable<Integer> {
    @Mixin CniOptions cni;
    @Mixin AttachmentOptions attachment;

    @Override
    public Integer call() {
        return del(cni, attachment);
    }

    /** The command's work, also run without picocli (CniStartPath). */
    static int del(CniOptions cni, AttachmentOptions attachment) {
        var rt = attachment.toRuntimeConf(false);
        try (var s = cni.open()) {
            s.runtime().del(s.configs().load(attachment.network), rt);
        }
        return 0;
    }
}
