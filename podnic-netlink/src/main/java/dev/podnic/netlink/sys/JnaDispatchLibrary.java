package dev.podnic.netlink.sys;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes JNA's native part (libjnidispatch, inside JNA's jar) into a directory, once, where the image
 * or ./podnic keeps it: deploy/image/podnic then points JNA at it ({@code jna.boot.library.path},
 * {@code jna.nounpack}). Without it, every JNA start-up unpacks the library from the jar into a
 * temporary file and scans the temporary directory for old ones first (~15 ms of every cold command
 * that enters a network namespace).
 *
 *   java -cp podnic.jar dev.podnic.netlink.sys.JnaDispatchLibrary DIR
 */
public final class JnaDispatchLibrary {
    private JnaDispatchLibrary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JnaDispatchLibrary DIR");
            System.exit(2);
        }
        Path target = write(Path.of(args[0]));
        System.err.println("JNA's native library: " + target);
    }

    /** Writes this platform's libjnidispatch into {@code dir} (replacing one there) and returns its path. */
    public static Path write(Path dir) throws IOException {
        String name = "libjnidispatch.so";
        String resource = "/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream in = Platform.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " in JNA's jar: this platform is not one JNA ships for");
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".jnidispatch", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
