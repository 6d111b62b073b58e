package dev.podnic.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Replacing a file so that readers see the old content or the new, never a mix: write a private
 * temporary file beside it, then rename over it. {@code durable} adds fsync of the file and of the
 * directory, so the new content also survives a power cut (records and ledgers need that; caches
 * do not).
 *
 * <p>The temporary file is created and written through one open (its name unique to the process,
 * thread and moment, exclusive all the same), not by {@link Files#createTempFile}, which creates,
 * closes and has the file opened again: the daemon writes ~6 files per ADD, and that cost each
 * ~0.1 ms (measured on its path).
 */
public final class AtomicFiles {
    private static final FileAttribute<?> PRIVATE_FILE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> PRIVATE_DIR = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final Set<StandardOpenOption> CREATE_NEW = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] bytes, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Temporary tmp = Temporary.beside(target, dir);
        boolean moved = false;
        try {
            try (FileChannel ch = tmp.channel()) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) { // a file channel may write less than asked
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(tmp.path(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp.path());
            }
        }
        if (durable) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }

    /**
     * Creates {@code target}, which must not exist, durably: written in place and fsync'ed with its directory — one
     * journal commit on ext4 where {@link #write} durable takes two (the file's, then the rename's), and no rename.
     * Not atomic: a kill right after the create leaves the file empty, a power cut before the fsync may leave it empty
     * or torn. For a record whose absence and whose damage mean the same (nothing was done under it yet). A failed
     * write removes what it created.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it exists (nothing is changed)
     */
    public static void createDurably(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        FileChannel created = createNew(target, dir); // (outside the try: a file that existed is never removed below)
        boolean written = false;
        try (FileChannel ch = created) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
            written = true;
        } finally {
            if (!written) {
                Files.deleteIfExists(target);
            }
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static FileChannel createNew(Path target, Path dir) throws IOException {
        try {
            return FileChannel.open(target, CREATE_NEW, PRIVATE_FILE);
        } catch (NoSuchFileException noDirectory) {
            Files.createDirectories(dir, PRIVATE_DIR);
            return FileChannel.open(target, CREATE_NEW, PRIVATE_FILE);
        }
    }

    /** A new private file beside the target, open for writing. */
    private record Temporary(Path path, FileChannel channel) {
        static Temporary beside(Path target, Path dir) throws IOException {
            for (int attempt = 1; ; attempt++) {
                Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                        + Thread.currentThread().getId() + "-" + System.nanoTime() + ".tmp");
                try {
                    return new Temporary(tmp, FileChannel.open(tmp, CREATE_NEW, PRIVATE_FILE));
                } catch (NoSuchFileException noDirectory) {
                    if (attempt > 2) {
                        throw noDirectory; // (made, and gone again at once)
                    }
                    Files.createDirectories(dir, PRIVATE_DIR);
                } catch (FileAlreadyExistsException leftByAnotherProcess) {
                    if (attempt > 2) {
                        throw leftByAnotherProcess;
                    }
                    // (a killed process's leftover under a reused pid: another moment, another name)
                }
            }
        }
    }
}
