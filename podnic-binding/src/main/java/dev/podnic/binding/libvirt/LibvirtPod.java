package dev.podnic.binding.libvirt;

import dev.podnic.binding.dhcp.DhcpException;
import dev.podnic.netlink.netns.NetnsThread;
import dev.podnic.store.DirectoryTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * A libvirtd for one pod, the way a libvirt pod runs it: inside the pod's network namespace (so
 * its networks, bridges and dnsmasq live there) and in a mount namespace of its own, where
 * /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and /etc/libvirt are
 * directories under {@code dir}. Several can run beside each other and beside the machine's own
 * libvirtd. Its sockets are under {@code dir/sock}, reachable from the host's mount namespace.
 */
public final class LibvirtPod {
    private static final List<String> PRIVATE = List.of("run:/run/libvirt", "lib:/var/lib/libvirt",
            "cache:/var/cache/libvirt", "log:/var/log/libvirt", "etc:/etc/libvirt");

    private final Path netns;
    private final Path dir;

    public LibvirtPod(Path netns, Path dir) {
        this.netns = netns;
        this.dir = dir.toAbsolutePath();
    }

    public String uri() {
        return "qemu:///system?socket=" + dir.resolve("sock/libvirt-sock");
    }

    public Path dir() {
        return dir;
    }

    /** Starts libvirtd unless it runs already; returns once it accepts connections. */
    public void start() {
        if (pid().isPresent()) {
            return;
        }
        try (NetnsThread pod = NetnsThread.enter(netns)) {
            StringBuilder script = new StringBuilder();
            for (String m : PRIVATE) {
                String[] p = m.split(":");
                Files.createDirectories(dir.resolve(p[0]));
                Files.createDirectories(Path.of(p[1])); // the mount point; stays empty in the host's view
                script.append("mount --bind ").append(dir.resolve(p[0])).append(' ').append(p[1]).append(" && ");
            }
            Files.createDirectories(dir.resolve("sock"));
            Files.writeString(dir.resolve("etc/libvirtd.conf"), "unix_sock_dir = \"" + dir.resolve("sock") + "\"\n"
                    + "auth_unix_rw = \"none\"\nauth_unix_ro = \"none\"\n");
            // QEMU as root without its own mount namespace or security driver, and serial/log output
            // written by QEMU itself: no virtlogd needed in the pod (as in a locked-down launcher pod).
            Files.writeString(dir.resolve("etc/qemu.conf"), "user = \"root\"\ngroup = \"root\"\ndynamic_ownership = 0\n"
                    + "remember_owner = 0\nnamespaces = [ ]\nsecurity_driver = \"none\"\nstdio_handler = \"file\"\n");
            script.append("exec libvirtd --config ").append(dir.resolve("etc/libvirtd.conf"))
                    .append(" --pid-file ").append(dir.resolve("libvirtd.pid"));
            ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("libvirtd.log").toFile());
            Process p = pod.call(pb::start);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new DhcpException("libvirtd in " + netns + " exited (status " + p.exitValue() + "): " + logTail());
                }
                if (Files.exists(dir.resolve("sock/libvirt-sock")) && canConnect()) {
                    return;
                }
                Thread.sleep(20);
            }
            p.destroyForcibly();
            throw new DhcpException("libvirtd in " + netns + " did not accept connections within 20 s: " + logTail());
        } catch (DhcpException e) {
            throw e;
        } catch (Exception e) {
            throw new DhcpException("cannot start libvirtd in " + netns + ": " + e.getMessage());
        }
    }

    /**
     * Destroys every domain and removes every network of this libvirtd (their QEMU and dnsmasq
     * processes would outlive it), stops it
     * by its PID, and removes its directory. Safe when it is not running.
     */
    public void stop() {
        Optional<ProcessHandle> daemon = pid();
        if (daemon.isPresent()) {
            LibvirtErrors.quiet();
            try {
                Connect c = new Connect(uri());
                try {
                    for (int id : c.listDomains()) {
                        c.domainLookupByID(id).destroy(); // QEMU would outlive libvirtd
                    }
                    for (String n : c.listNetworks()) {
                        Network net = c.networkLookupByName(n);
                        net.destroy();
                    }
                    for (String n : c.listDefinedNetworks()) {
                        c.networkLookupByName(n).undefine();
                    }
                } finally {
                    c.close();
                }
            } catch (LibvirtException e) {
                // the daemon is going away anyway; its networks' dnsmasq go with the namespace sweep below
            }
            daemon.get().destroy();
            try {
                daemon.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                daemon.get().destroyForcibly();
            }
        }
        deleteTree(dir);
    }

    /** The running libvirtd of this pod: the PID in its pid file, if that process is libvirtd with this config. */
    public Optional<ProcessHandle> pid() {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("libvirtd.pid")).strip());
            return ProcessHandle.of(pid).filter(h -> h.info().commandLine()
                    .map(c -> c.contains("libvirtd") && c.contains(dir.resolve("etc/libvirtd.conf").toString())).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean canConnect() {
        try {
            new Connect(uri()).close();
            return true;
        } catch (LibvirtException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("libvirtd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path root) {
        try {
            DirectoryTree.remove(root);
        } catch (IOException e) {
            throw new DhcpException("cannot remove " + root + ": " + e.getMessage());
        }
    }
}
