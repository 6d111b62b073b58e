package dev.podnic.kubevirt.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A memory and a CPU cgroup (v1, this machine kind's hierarchy) with a container's limits, for tests
 * and benchmarks that run a process as a kubelet would confine it. Removed on close (once its
 * processes are gone).
 */
public final class CgroupV1 implements AutoCloseable {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final String PREFIX = "pdnt-";

    private final Path memory;
    private final Path cpu;

    private CgroupV1(Path memory, Path cpu) {
        this.memory = memory;
        this.cpu = cpu;
    }

    public static CgroupV1 create(String name, long memoryLimit, int cpuQuotaUs, int cpuPeriodUs) throws IOException {
        if (!name.startsWith(PREFIX)) {
            throw new IllegalArgumentException("test cgroups are named " + PREFIX + "...");
        }
        Path memory = Files.createDirectories(MEMORY.resolve(name));
        Path cpu = Files.createDirectories(CPU.resolve(name));
        Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryLimit));
        Files.writeString(cpu.resolve("cpu.cfs_period_us"), Integer.toString(cpuPeriodUs));
        Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Integer.toString(cpuQuotaUs));
        return new CgroupV1(memory, cpu);
    }

    public List<Path> dirs() {
        return List.of(memory, cpu);
    }

    /** The most memory the group held (memory.max_usage_in_bytes: anonymous memory and page cache). */
    public long memoryPeak() throws IOException {
        return Long.parseLong(Files.readString(memory.resolve("memory.max_usage_in_bytes")).strip());
    }

    /** Processes the kernel's OOM killer ended in this group. */
    public long oomKills() throws IOException {
        for (String line : Files.readAllLines(memory.resolve("memory.oom_control"))) {
            if (line.startsWith("oom_kill ")) {
                return Long.parseLong(line.substring("oom_kill ".length()).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(memory); // (rmdir; a cgroup's files are not files)
        Files.deleteIfExists(cpu);
    }

    /** Groups left by a killed run (their processes gone with it). */
    public static void sweepLeftovers() {
        for (Path root : List.of(MEMORY, CPU)) {
            List<Path> left = new ArrayList<>();
            try (DirectoryStream<Path> all = Files.newDirectoryStream(root, PREFIX + "*")) {
                all.forEach(left::add);
            } catch (IOException e) {
                continue;
            }
            for (Path p : left) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException busy) {
                    // still has processes: not ours to end
                }
            }
        }
    }
}
