package dev.podnic.cni.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLocalStoreTest {
    @TempDir
    Path dataDir;

    /** The layout host-local 1.1.1 writes: a file per address holding "containerID\r\nifname". */
    private void allocate(String ip, String owner) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("podnet"));
        Files.writeString(dir.resolve(ip), owner);
    }

    @Test
    void readsAllocationsAndIgnoresBookkeepingFiles() throws Exception {
        allocate("10.1.0.2", "vmi-a\r\nvmi0");
        allocate("10.1.0.3", "vmi-a\r\nvmi1");
        allocate("fd00::5", "legacy-without-ifname");
        Files.writeString(dataDir.resolve("podnet/last_reserved_ip.0"), "10.1.0.3");
        Files.writeString(dataDir.resolve("podnet/lock"), "");
        assertThat(new HostLocalStore(dataDir, "podnet").allocations()).containsExactly(
                new HostLocalStore.Allocation("10.1.0.2", "vmi-a", "vmi0"),
                new HostLocalStore.Allocation("10.1.0.3", "vmi-a", "vmi1"),
                new HostLocalStore.Allocation("fd00::5", "legacy-without-ifname", ""));
    }

    @Test
    void releaseFreesExactlyTheOwnersAddresses() throws Exception {
        allocate("10.1.0.2", "vmi-a\r\nvmi0");
        allocate("10.1.0.3", "vmi-a\r\nvmi1");
        allocate("10.1.0.4", "vmi-b\r\nvmi0");
        HostLocalStore store = new HostLocalStore(dataDir, "podnet");
        assertThat(store.release("vmi-a", "vmi0")).extracting(HostLocalStore.Allocation::ip).containsExactly("10.1.0.2");
        assertThat(store.allocations()).extracting(HostLocalStore.Allocation::ip).containsExactly("10.1.0.3", "10.1.0.4");
    }

    @Test
    void aNetworkWithoutStateHasNoAllocations() throws Exception {
        assertThat(new HostLocalStore(dataDir, "absent").allocations()).isEmpty();
        assertThat(new HostLocalStore(dataDir, "absent").release("x", "eth0")).isEmpty();
    }
}
