package dev.podnic.netlink.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NativeLibraryPathTest {
    @Test
    void theMultiarchDirectoriesComeFirst() {
        assertThat(NativeLibraryPath.forArch("amd64")).contains("/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib");
        assertThat(NativeLibraryPath.forArch("aarch64")).hasValueSatisfying(p -> assertThat(p).startsWith("/usr/lib/aarch64-linux-gnu:"));
        assertThat(NativeLibraryPath.forArch("s390x")).as("unknown: JNA asks ldconfig as before").isEmpty();
    }

    /** What ldconfig would have told JNA for the libraries podnic loads is in the path for this machine. */
    @Test
    void libcAndLibvirtAreInThePathOfThisMachine() {
        String path = NativeLibraryPath.forArch(System.getProperty("os.arch")).orElseThrow();
        assertThat(Arrays.stream(path.split(":")).map(Path::of).anyMatch(d -> Files.exists(d.resolve("libc.so.6")))).isTrue();
        assertThat(Arrays.stream(path.split(":")).map(Path::of).anyMatch(d -> Files.exists(d.resolve("libvirt.so.0")))).isTrue();
    }
}
