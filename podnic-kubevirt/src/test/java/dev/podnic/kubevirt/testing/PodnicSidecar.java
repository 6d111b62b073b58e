package dev.podnic.kubevirt.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** podnic-sidecar as the build made it (src/main/go, target/podnic-sidecar). */
public final class PodnicSidecar {
    private PodnicSidecar() {
    }

    public static Path binary() {
        Path built = Path.of("target", "podnic-sidecar").toAbsolutePath();
        if (!Files.isExecutable(built)) {
            throw new IllegalStateException(built + " is missing: the build makes it (src/main/go/build; scripts/install-deps build)");
        }
        return built;
    }
}
