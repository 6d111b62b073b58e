package dev.podnic.shim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The podnic-shim executable this jar carries (built from {@code src/main/c/podnic-shim.c}), and how
 * it is put where a container runtime finds CNI plugins.
 */
public final class CniShim {
    /** The name runtimes look for: a NetworkAttachmentDefinition's {@code "type"}. */
    public static final String NAME = "podnic-shim";
    private static final String RESOURCE = "/dev/podnic/shim/" + NAME;

    private CniShim() {
    }

    public static InputStream open() {
        InputStream in = CniShim.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the podnic jar (was it built without gcc?)");
        }
        return in;
    }

    /**
     * Writes the executable to {@code dir/podnic-shim}, replacing an older one atomically: a runtime
     * that executes it meanwhile runs the old file or the new one, never a partial one.
     */
    public static Path install(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(NAME);
        Path tmp = Files.createTempFile(dir, "." + NAME, ".tmp");
        try {
            try (InputStream in = open()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
