package dev.podnic.kubevirt.cni;

import java.nio.file.Path;

/**
 * Where the KubeVirt binding keeps its state per attachment ({@code dir}), and where it kept it before ({@code earlier}:
 * the same directory unless the operator moved it, e.g. to a tmpfs with {@code podnic node --binding-state-dir}).
 * Attachments made before the move stay where they were until they are freed: their records name their DHCP
 * servers by file path, and the servers of their running VMs are served again from there.
 */
public record BindingStateDirs(Path dir, Path earlier) {
    /** State that never moved. */
    public static BindingStateDirs at(Path dir) {
        return new BindingStateDirs(dir, dir);
    }

    boolean moved() {
        return !dir.equals(earlier);
    }
}
