package dev.podnic.cli.guest;

import dev.podnic.guest.GuestImage;
import dev.podnic.guest.GuestImageBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "guest", description = {"The test guest: a kernel from linux-image-amd64 and a busybox initramfs that "
        + "DHCPs every NIC and reports what it got on its serial console. Built from Debian packages (apt-get download) "
        + "and cached; `vmi up --boot` uses it. Build it from a namespace that reaches the package mirror (not from inside "
        + "a pod's namespace).",
        "",
        "  podnic guest build"})
public final class GuestCommand implements Callable<Integer> {
    @Parameters(paramLabel = "build", description = "What to do (only build).")
    String action;
    @Option(names = "--guest-cache", paramLabel = "DIR", defaultValue = "/var/cache/podnic/guest",
            description = "Where the image is built and kept (default: ${DEFAULT-VALUE}).")
    Path cache;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("build")) {
            throw new dev.podnic.cli.UserError("expected build, got " + action);
        }
        GuestImage image = new GuestImageBuilder(cache).build(m -> spec.commandLine().getErr().println("podnic: " + m));
        spec.commandLine().getOut().println(image.kernel());
        spec.commandLine().getOut().println(image.initrd());
        return 0;
    }
}
