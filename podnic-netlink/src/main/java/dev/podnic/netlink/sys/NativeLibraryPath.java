package dev.podnic.netlink.sys;

import java.util.List;
import java.util.Optional;

/**
 * Where JNA looks for system libraries (libc, libvirt). Unless told, JNA finds out as it first loads
 * by running {@code ldconfig -p}: a process started on every podnic start-up, before any useful work.
 * Debian's multiarch directories are what that answer holds for the libraries podnic loads.
 */
public final class NativeLibraryPath {
    static final String PROPERTY = "jna.platform.library.path";

    private NativeLibraryPath() {
    }

    /** Sets JNA's platform path for this machine's architecture, unless it is set already or the architecture is unknown. */
    public static void setUnlessSet() {
        if (System.getProperty(PROPERTY) == null) {
            Optional<String> path = forArch(System.getProperty("os.arch"));
            if (path.isPresent()) { // (no lambdas: this runs first in every cold command)
                System.setProperty(PROPERTY, path.get());
            }
        }
    }

    /** The multiarch directories (and the plain ones) for a JVM {@code os.arch}; empty for one podnic does not know. */
    static Optional<String> forArch(String osArch) {
        String triplet = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        return triplet == null ? Optional.empty()
                : Optional.of(String.join(":", List.of("/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/lib64", "/usr/lib", "/lib")));
    }
}
