package dev.podnic.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A directory of state with everything under it: removed whole, where podnic's state says it may go. */
public final class DirectoryTree {
    private DirectoryTree() {
    }

    /** Removes {@code dir} and everything in it; idempotent (a tree that is gone, or goes meanwhile, is removed). */
    public static void remove(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException gone) {
            // (removed meanwhile, or never there)
        }
    }
}
