package dev.podnic.cni.ipam;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads and cleans the host-local IPAM plugin's state: {@code <dataDir>/<network>/} holds one file
 * per allocated address (named by the address, containing "containerID\r\nifname"), plus
 * {@code last_reserved_ip.N} and a {@code lock} file that the plugin holds with flock(2).
 * podnic takes the same lock, so it never reads or edits the store while the plugin writes it.
 */
public final class HostLocalStore {
    /** The plugin's default dataDir. */
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

    private final Path networkDir;

    public HostLocalStore(Path dataDir, String network) {
        this.networkDir = dataDir.resolve(network);
    }

    /** An allocated address and its owner. */
    public record Allocation(String ip, String containerId, String ifName) {
    }

    /** Every current allocation, read under the plugin's lock. */
    public List<Allocation> allocations() throws IOException {
        if (!Files.isDirectory(networkDir)) {
            return List.of();
        }
        try (Flock lock = Flock.shared(networkDir.resolve("lock"))) {
            return allocationsUnlocked();
        }
    }

    /**
     * Frees every address held by (containerId, ifName) without running the plugin, for state whose
     * plugin can no longer be run. Returns what was freed.
     */
    public List<Allocation> release(String containerId, String ifName) throws IOException {
        if (!Files.isDirectory(networkDir)) {
            return List.of();
        }
        List<Allocation> freed = new ArrayList<>();
        try (Flock lock = Flock.exclusive(networkDir.resolve("lock"))) {
            for (Allocation a : allocationsUnlocked()) {
                if (a.containerId().equals(containerId) && a.ifName().equals(ifName)) {
                    Files.deleteIfExists(networkDir.resolve(a.ip()));
                    freed.add(a);
                }
            }
        }
        return freed;
    }

    private List<Allocation> allocationsUnlocked() throws IOException {
        try (Stream<Path> files = Files.list(networkDir)) {
            List<Allocation> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("lock") || name.startsWith("last_reserved_ip")) {
                    continue;
                }
                String[] owner = Files.readString(f, StandardCharsets.UTF_8).split("\r?\n", -1);
                out.add(new Allocation(name, owner[0].strip(), owner.length > 1 ? owner[1].strip() : ""));
            }
            return out;
        }
    }
}
