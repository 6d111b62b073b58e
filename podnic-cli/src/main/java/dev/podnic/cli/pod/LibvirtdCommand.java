package dev.podnic.cli.pod;

import dev.podnic.binding.libvirt.LibvirtPod;
import dev.podnic.cli.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "libvirtd", description = {"Run libvirtd for a pod: inside the pod's network namespace and in a mount "
        + "namespace of its own (private /run/libvirt, /var/lib/libvirt, /etc/libvirt under --dir), so several run beside "
        + "each other and beside the machine's libvirtd. Prints the connection URI.",
        "",
        "  podnic pod libvirtd start --netns /run/netns/pod1",
        "  podnic pod libvirtd stop --netns /run/netns/pod1"})
public final class LibvirtdCommand implements Callable<Integer> {
    @Parameters(paramLabel = "start|stop")
    String action;
    @Option(names = "--netns", required = true, paramLabel = "PATH", description = "The pod's network namespace.")
    Path netns;
    @Option(names = "--dir", paramLabel = "DIR", description = "Its private state (default: /run/podnic/libvirt/<netns name>).")
    Path dir;
    @Spec CommandSpec spec;

    /** Where a pod's libvirtd lives unless told otherwise; `vmi up` finds it there. */
    public static LibvirtPod defaultFor(Path netns) {
        return new LibvirtPod(netns, Path.of("/run/podnic/libvirt", netns.getFileName().toString()));
    }

    @Override
    public Integer call() {
        if (!Files.exists(netns)) {
            throw new UserError("--netns " + netns + ": no such network namespace");
        }
        LibvirtPod pod = dir == null ? defaultFor(netns) : new LibvirtPod(netns, dir);
        switch (action) {
            case "start" -> {
                pod.start();
                spec.commandLine().getOut().println(pod.uri());
            }
            case "stop" -> pod.stop();
            default -> throw new UserError("expected start or stop, got " + action);
        }
        return 0;
    }
}
