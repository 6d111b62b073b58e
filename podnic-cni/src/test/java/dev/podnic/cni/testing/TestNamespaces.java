package dev.podnic.cni.testing;

import dev.podnic.netlink.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces for integration tests, made with iproute2 like a kubelet's runtime would.
 * Every name is {@code pdnt<pid>x<n>}: recognisable, unique per test JVM, and traceable to its
 * creator so that {@link #sweepLeftovers()} removes only those of test runs that are gone.
 * Never touches the root namespace.
 */
public final class TestNamespaces implements AutoCloseable {
    public static final String PREFIX = "pdnt";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Path RUN_NETNS = Path.of("/run/netns");

    private final List<String> created = new ArrayList<>();

    /** Creates a namespace and returns its name; its path is {@link #path(String)}. */
    public String create() {
        String name = PREFIX + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet();
        ip("netns", "add", name);
        created.add(name);
        ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    public static Path path(String name) {
        return RUN_NETNS.resolve(name);
    }

    /** Deletes a namespace now (e.g. to play a pod that vanished); later close() skips it. */
    public void delete(String name) {
        ip("netns", "delete", name);
        created.remove(name);
    }

    @Override
    public void close() {
        for (String name : List.copyOf(created)) {
            try {
                delete(name);
            } catch (RuntimeException e) {
                // keep removing the others; the sweep of the next run catches this one
            }
        }
    }

    /** Removes namespaces left by killed test runs (their creating process no longer exists). */
    public static void sweepLeftovers() {
        sweepOrphanedDnsmasq();
        if (!Files.isDirectory(RUN_NETNS)) {
            return;
        }
        try (var names = Files.list(RUN_NETNS)) {
            for (Path p : names.toList()) {
                String n = p.getFileName().toString();
                if (!n.matches(PREFIX + "\\d+x\\d+")) {
                    continue;
                }
                long pid = Long.parseLong(n.substring(PREFIX.length(), n.indexOf('x')));
                if (ProcessHandle.of(pid).isEmpty()) {
                    ip("netns", "delete", n);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends dnsmasq and podnic-ra daemons that tests started and then lost (a failed or killed run):
     * their lease or pid file lives in a JUnit temporary directory that no longer exists. By PID,
     * nothing else.
     */
    public static void sweepOrphanedDnsmasq() {
        ProcessHandle.allProcesses().forEach(h -> h.info().commandLine().ifPresent(c -> {
            orphanedIn(c, "dnsmasq", "--dhcp-leasefile=/tmp/junit").ifPresent(lost -> h.destroyForcibly());
            orphanedIn(c, "podnic-ra", "--pid-file /tmp/junit").ifPresent(lost -> h.destroyForcibly());
        }));
    }

    /** The file a test daemon's command line names after {@code option}, when its directory is gone. */
    private static java.util.Optional<Path> orphanedIn(String commandLine, String program, String option) {
        int at = commandLine.indexOf(option);
        if (!commandLine.contains(program) || at < 0) {
            return java.util.Optional.empty();
        }
        String file = commandLine.substring(at + option.length() - "/tmp/junit".length()).split(" ")[0];
        return Files.exists(Path.of(file).getParent()) ? java.util.Optional.empty() : java.util.Optional.of(Path.of(file));
    }

    /** Whether namespace {@code ns} holds a link named {@code ifName}. */
    public static boolean linkExists(String ns, String ifName) {
        String links = ip("-n", ns, "-o", "link", "show");
        return links.contains(" " + ifName + "@") || links.contains(" " + ifName + ":");
    }

    /** Runs {@code ip ARGS...} and returns stdout; fails with ip's stderr. */
    public static String ip(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    public static String run(List<String> cmd) {
        return ChildProcess.run(new ProcessBuilder(cmd), Duration.ofSeconds(30)).orThrow(cmd);
    }

    /** Fails fast, with the fix, when the machine cannot run the integration tests. */
    public static void requireRootAndPlugins() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("integration tests need root (network namespaces); run scripts/test as root");
        }
        if (!Files.isExecutable(Path.of(RealPlugins.DIR, "bridge"))) {
            throw new IllegalStateException("the Debian CNI plugins are missing in " + RealPlugins.DIR
                    + ": apt-get install containernetworking-plugins (scripts/install-deps does)");
        }
    }
}
