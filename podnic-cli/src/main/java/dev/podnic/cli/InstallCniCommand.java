package dev.podnic.cli;

import dev.podnic.shim.CniShim;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "install-cni",
        description = {"Install podnic-shim, the CNI plugin of podnic's KubeVirt network binding, into the node's CNI plugin "
            + "directory: a small static executable (no JVM on the node) that forwards Multus's calls to the node daemon's "
            + "--binding-socket. Replaces an older one atomically. The node DaemonSet runs this in an init container.",
            "",
            "  podnic install-cni /host/opt/cni/bin"})
final class InstallCniCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The CNI plugin directory (the node's /opt/cni/bin, mounted into the pod).")
    Path dir;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path installed = CniShim.install(dir);
        spec.commandLine().getOut().println("installed " + installed);
        return 0;
    }
}
