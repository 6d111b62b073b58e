package dev.podnic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void makesTheMissingDirectoriesPrivateAndLeavesOnlyTheFile() throws Exception {
        Path f = tmp.resolve("a/b/c.json");
        AtomicFiles.write(f, bytes("one"), false);
        AtomicFiles.write(f, bytes("two"), true);
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(names(f.getParent())).containsExactly("c.json");
    }

    @Test
    void aWriteThatCannotReplaceItsTargetChangesNothingAndLeavesNoTemporaryFile() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("d/taken"));
        Files.writeString(target.resolve("inside"), "x"); // a non-empty directory cannot be renamed over
        assertThatThrownBy(() -> AtomicFiles.write(target, bytes("new"), false)).isInstanceOf(IOException.class);
        assertThat(names(tmp.resolve("d"))).containsExactly("taken");
        assertThat(names(target)).containsExactly("inside");
    }

    @Test
    void writersOnManyThreadsEachLeaveAWholeDocument() throws Exception {
        Path f = tmp.resolve("many.json");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String doc = "document " + i + " " + "x".repeat(i);
                writes.add(pool.submit(() -> {
                    AtomicFiles.write(f, bytes(doc), false);
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        String last = Files.readString(f);
        int n = Integer.parseInt(last.split(" ")[1]);
        assertThat(last).isEqualTo("document " + n + " " + "x".repeat(n));
        assertThat(names(tmp)).containsExactly("many.json");
    }

    @Test
    void aDurableCreateMakesAPrivateFileInPlaceAndNeverTouchesOneThatExists() throws Exception {
        Path f = tmp.resolve("e/new.json");
        AtomicFiles.createDurably(f, bytes("first"));
        assertThat(Files.readString(f)).isEqualTo("first");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThatThrownBy(() -> AtomicFiles.createDurably(f, bytes("second"))).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readString(f)).as("unchanged, not removed").isEqualTo("first");
        assertThat(names(f.getParent())).containsExactly("new.json");
    }
}
