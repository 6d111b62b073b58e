package dev.podnic.kubevirt.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The pod's links a DEL answered before removing (see {@code HostAttachments.delete}), kept in the
 * attachment's directory until they are gone: the pod's namespace as CNI named it and as it was
 * then (device and inode, so that another namespace under the same name is never touched), and the
 * links' names.
 */
record LinksLeft(String netns, long dev, long ino, List<String> links) {
    private static final String FILE = "links-left.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    LinksLeft {
        links = List.copyOf(links);
    }

    /** Not fsync'ed, as the attachment's record is not: a kill keeps it, and a power cut ends the pod with its links. */
    static void write(Path dir, LinksLeft left) {
        try {
            AtomicFiles.write(dir.resolve(FILE), JSON.writeValueAsBytes(left), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the links left in " + dir, e);
        }
    }

    static Optional<LinksLeft> read(Path dir) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(dir.resolve(FILE)), LinksLeft.class));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the links left in " + dir, e);
        }
    }
}
