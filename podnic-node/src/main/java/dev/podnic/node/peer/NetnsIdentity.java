package dev.podnic.node.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A network namespace's identity: the (device, inode) of its nsfs file. Two paths name the same
 * namespace exactly when their identities are equal; a namespace that is gone has none.
 */
public record NetnsIdentity(long dev, long ino) {

    public static NetnsIdentity of(Path path) throws IOException {
        java.util.Map<String, Object> stat = Files.readAttributes(path, "unix:dev,ino"); // (one stat, not one per attribute)
        return new NetnsIdentity(((Number) stat.get("dev")).longValue(), ((Number) stat.get("ino")).longValue());
    }

    /** The namespace a process lives in (its main thread's). */
    public static NetnsIdentity ofProcess(long pid) throws IOException {
        return of(Path.of("/proc/" + pid + "/ns/net"));
    }

    /** The file in {@code dir} that is this namespace (a runtime's pin, as /var/run/netns/NAME), if any. */
    public java.util.Optional<Path> pinnedIn(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> {
                try {
                    return of(f).equals(this);
                } catch (IOException e) {
                    return false; // vanished while we looked, or not a namespace
                }
            }).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "net:[" + ino + "]";
    }
}
