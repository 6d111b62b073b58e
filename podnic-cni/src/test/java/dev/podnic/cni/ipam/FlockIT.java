package dev.podnic.cni.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * podnic's lock excludes what host-local does: util-linux flock(1) takes the same flock(2) lock the
 * plugin takes on {@code <dataDir>/<net>/lock}.
 */
class FlockIT {
    @TempDir
    Path dataDir;

    @Test
    void readingWaitsWhileAnotherProcessHoldsTheFlock() throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("podnet"));
        Files.writeString(dir.resolve("10.1.0.2"), "vmi-a\r\nvmi0");
        Path released = dataDir.resolve("released");
        // The holder marks the moment just before it lets go; podnic's read must come after it.
        Process holder = new ProcessBuilder("flock", "--exclusive", dir.resolve("lock").toString(),
                "sh", "-c", "echo locked; sleep 0.5; touch " + released).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(7))).isEqualTo("locked\n");
            assertThat(new HostLocalStore(dataDir, "podnet").allocations()).hasSize(1);
            assertThat(released).as("podnic read while flock(1) held the lock").exists();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void anotherProcessWaitsWhilePodnicHoldsTheFlock() throws Exception {
        Path lock = Files.createDirectories(dataDir.resolve("podnet")).resolve("lock");
        try (Flock held = Flock.exclusive(lock)) {
            Process p = new ProcessBuilder("flock", "--nonblock", lock.toString(), "true").start();
            assertThat(p.waitFor()).as("flock(1) must not get the lock podnic holds").isEqualTo(1);
        }
        Process p = new ProcessBuilder("flock", "--nonblock", lock.toString(), "true").start();
        assertThat(p.waitFor()).isZero();
    }
}
