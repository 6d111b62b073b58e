package dev.podnic.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Namespaces the benchmark makes (prefix pdnbench&lt;pid&gt;-) and always removes. */
final class BenchNamespaces implements AutoCloseable {
    private final String prefix = "pdnbench" + ProcessHandle.current().pid() + "-";
    private final List<String> created = new ArrayList<>();

    Path create(String role) throws IOException, InterruptedException {
        String name = prefix + role;
        run(List.of("ip", "netns", "add", name));
        run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
        created.add(name);
        return Path.of("/run/netns", name);
    }

    /** Deletes one now (a pod that vanishes); close() then skips it. */
    void delete(Path netns) throws IOException, InterruptedException {
        String name = netns.getFileName().toString();
        run(List.of("ip", "netns", "delete", name));
        created.remove(name);
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }

    @Override
    public void close() {
        for (String n : created) {
            try {
                run(List.of("ip", "netns", "delete", n));
            } catch (IOException | InterruptedException e) {
                System.err.println("could not delete namespace " + n + ": " + e.getMessage());
            }
        }
    }
}
