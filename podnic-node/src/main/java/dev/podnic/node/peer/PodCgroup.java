package dev.podnic.node.peer;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes pod a process belongs to, read from its cgroup path (the kubelet puts every pod's
 * containers under a cgroup named for the pod's UID, with either cgroup driver):
 * {@code /kubepods/besteffort/pod<uid>/<container>} (cgroupfs) or
 * {@code /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid with _>.slice/...}
 * (systemd). The kernel wrote it; the process cannot choose it (moving itself to another pod's cgroup
 * needs write access to that cgroup, which a pod does not have).
 */
public final class PodCgroup {
    private static final Pattern POD = Pattern.compile(
            "kubepods[^\\n]*?[/-]pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\\.slice)?(?:/|$)");

    private PodCgroup() {
    }

    /** The pod UID in a {@code /proc/PID/cgroup} text, or empty when the process is in no pod's cgroup. */
    public static Optional<String> podUid(String procCgroup) {
        for (String line : procCgroup.split("\n")) {
            int path = line.indexOf(':', line.indexOf(':') + 1);
            if (path < 0) {
                continue;
            }
            Matcher m = POD.matcher(line.substring(path + 1));
            if (m.find()) {
                return Optional.of(m.group(1).replace('_', '-'));
            }
        }
        return Optional.empty();
    }
}
