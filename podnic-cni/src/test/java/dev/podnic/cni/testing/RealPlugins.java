package dev.podnic.cni.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where Debian's containernetworking-plugins live, and small fake plugins for bad-behaviour tests. */
public final class RealPlugins {
    public static final String DIR = "/usr/lib/cni";

    private RealPlugins() {
    }

    private static final String VERSION_ANSWER =
            "if [ \"$CNI_COMMAND\" = VERSION ]; then echo '{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[%s]}'; exit 0; fi\n";

    /** Writes an executable shell plugin {@code name} into {@code dir} that answers VERSION and then runs {@code body}. */
    public static Path script(Path dir, String name, String versions, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + String.format(VERSION_ANSWER, versions) + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A plugin that succeeds on everything but prints garbage for ADD. */
    public static Path garbage(Path dir) throws IOException {
        return script(dir, "garbage", "\"0.4.0\",\"1.0.0\"",
                "cat >/dev/null\nif [ \"$CNI_COMMAND\" = ADD ]; then echo 'this is not JSON {'; fi\nexit 0");
    }

    /** A plugin that hangs on ADD (with a child holding its stdout) and succeeds otherwise. */
    public static Path hang(Path dir) throws IOException {
        return script(dir, "hang", "\"0.4.0\",\"1.0.0\"",
                "cat >/dev/null\nif [ \"$CNI_COMMAND\" = ADD ]; then sleep 600 & echo $! > \"$(dirname \"$0\")/hang.child\"; wait; fi\nexit 0");
    }

    /** A plugin that only speaks a version the network cannot be converted to. */
    public static Path futureOnly(Path dir) throws IOException {
        return script(dir, "future", "\"1.1.0\"", "exit 0");
    }
}
