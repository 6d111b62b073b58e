package dev.podnic.cli;

import dev.podnic.cni.testing.TestNamespaces;
import dev.podnic.netlink.netns.NetnsThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the image's entry point ({@code /usr/local/bin/podnic}, the JVM flags the image runs with)
 * from the root file system scripts/image built, as a container runtime would start it: in a mount
 * namespace of its own (gone with the process), on an overlay whose writes land in a scratch
 * directory (the built root file system stays as built), with /proc, /dev and /sys, and with host
 * directories bound where a manifest mounts volumes.
 */
final class ImageRoot {
    static final Path ROOTFS = Path.of(System.getProperty("podnic.image.rootfs", "../target/image/rootfs")).toAbsolutePath()
            .normalize();
    private static final String SCRIPT = """
            set -e
            root=$1; scratch=$2; cgroups=$3; user=$4; charged=$5; shift 5
            # A container's cgroups are joined before anything of it runs, so they count all of it.
            for c in $cgroups; do echo $$ > "$c/cgroup.procs"; done
            mkdir -p "$scratch/upper" "$scratch/work" "$scratch/merged"
            mount -t overlay podnic-image -o "lowerdir=$root,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/merged"
            m=$scratch/merged
            mount -t proc proc "$m/proc"; mount --rbind /dev "$m/dev"; mount --rbind /sys "$m/sys"
            while [ "$1" != -- ]; do
              # resolved inside the image: /var/run is its link to /run, not the host's
              chroot "$m" mkdir -p "$2"; mount --rbind "$1" "$m$(chroot "$m" readlink -f "$2")"; shift 2
            done
            shift
            # Files read into this container's page cache, as on a node that never ran the image: rewritten
            # through the overlay from inside the cgroups, the copy's pages are charged to them.
            for f in $charged; do cp -p "$m$f" "$m$f.charged"; mv "$m$f.charged" "$m$f"; done
            if [ "$user" != - ]; then
              # As KubeVirt runs its support containers: a user of no privilege, every capability dropped.
              exec chroot "$m" setpriv --reuid="${user%:*}" --regid="${user#*:}" --clear-groups --inh-caps=-all \
                --bounding-set=-all --no-new-privs /usr/local/bin/podnic "$@"
            fi
            exec chroot "$m" /usr/local/bin/podnic "$@"
            """;

    private final Map<Path, String> binds = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Path> cgroups = new ArrayList<>();
    private final List<String> charged = new ArrayList<>();
    private String user = "-";
    private final Path scratch;

    /** @param scratch where this run's writes to the image go (a fresh directory per process) */
    ImageRoot(Path scratch) {
        this.scratch = scratch;
    }

    static boolean built() {
        return Files.isExecutable(ROOTFS.resolve("usr/local/bin/podnic")) && Files.exists(ROOTFS.resolve("opt/podnic/podnic.jar"));
    }

    /** What a test of the image needs: root, the CNI plugins, no leftovers of killed runs, and the built root file system. */
    static void requireBuilt() {
        TestNamespaces.requireRootAndPlugins();
        TestNamespaces.sweepLeftovers();
        if (!built()) {
            throw new IllegalStateException("no image root file system at " + ROOTFS
                    + ": build it with scripts/image --rootfs-only (scripts/test does)");
        }
    }

    /** A host directory (or file) where the image sees {@code target}, as a volume mount. */
    ImageRoot bind(Path host, String target) {
        binds.put(host, target);
        return this;
    }

    ImageRoot env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs inside these cgroup (v1) directories, joined before anything of the container runs. */
    ImageRoot inCgroups(List<Path> dirs) {
        cgroups.addAll(dirs);
        return this;
    }

    /** Rewrites this image file from inside the container's cgroups, so its page cache counts as theirs. */
    ImageRoot chargePageCache(String imagePath) {
        charged.add(imagePath);
        return this;
    }

    /** Runs as this uid:gid with every capability dropped and no new privileges. */
    ImageRoot asUser(int uid, int gid) {
        user = uid + ":" + gid;
        return this;
    }

    /** Starts {@code podnic ARGS} from the image, in the namespace of {@code netns} (null: this process's). */
    Process start(NetnsThread netns, Path log, List<String> args) throws Exception {
        Files.createDirectories(scratch);
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", SCRIPT, "sh",
                ROOTFS.toString(), scratch.toString(), String.join(" ", cgroups.stream().map(Path::toString).toList()), user,
                String.join(" ", charged)));
        binds.forEach((host, target) -> {
            cmd.add(host.toString());
            cmd.add(target);
        });
        cmd.add("--");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear(); // what a container gets: its own environment, not the test's
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        return netns == null ? pb.start() : netns.call(pb::start);
    }

    /** Runs {@code podnic ARGS} from the image to its end (at most 60 s); its exit status and output. */
    Outcome run(NetnsThread netns, List<String> args) throws Exception {
        Path log = Files.createTempFile(scratch.getParent(), "image-run", ".log");
        Process p = start(netns, log, args);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("podnic " + args + " from the image did not end within 60 s: " + Files.readString(log));
        }
        return new Outcome(p.exitValue(), Files.readString(log), "");
    }
}
