package dev.podnic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFilesTest {
    record Doc(String name, int n) {
    }

    @TempDir
    Path tmp;

    private JsonFiles<Doc> store() {
        return new JsonFiles<>(tmp.resolve("docs"), JsonCodec.binding(new ObjectMapper(), Doc.class), "doc");
    }

    @Test
    void writeReadListDelete() {
        JsonFiles<Doc> s = store();
        assertThat(s.read("a")).isEmpty();
        assertThat(s.all()).isEmpty();
        s.write("b", new Doc("b", 2), true);
        s.write("a", new Doc("a", 1), false);
        s.write("a", new Doc("a", 3), true);
        assertThat(s.read("a")).contains(new Doc("a", 3));
        assertThat(s.all()).containsExactly(new Doc("a", 3), new Doc("b", 2));
        s.delete("a");
        s.delete("a");
        assertThat(s.all()).containsExactly(new Doc("b", 2));
    }

    @Test
    void theDirectoryIsPrivateAndNoTemporaryFileStays() throws Exception {
        JsonFiles<Doc> s = store();
        s.write("a", new Doc("a", 1), true);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file("a")))).isEqualTo("rw-------");
        try (var files = Files.list(s.dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.json");
        }
    }

    @Test
    void aTemporaryFileOfAnInterruptedWriteIsNotADocument() throws Exception {
        JsonFiles<Doc> s = store();
        s.write("a", new Doc("a", 1), true);
        Files.writeString(s.dir().resolve(".b.json12345.tmp"), "{\"name\":");
        assertThat(s.all()).containsExactly(new Doc("a", 1));
    }

    @Test
    void anUnreadableDocumentIsNamedInTheError() throws Exception {
        JsonFiles<Doc> s = store();
        s.write("a", new Doc("a", 1), true);
        Files.writeString(s.file("a"), "{\"name\":\"a\",");
        assertThatThrownBy(() -> s.read("a")).isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("unreadable doc " + s.file("a"));
    }

    @Test
    void anUnreadableDocumentIsMovedAsideAndTheOthersAreStillRead() throws Exception {
        JsonFiles<Doc> s = store();
        s.write("a", new Doc("a", 1), true);
        s.write("b", new Doc("b", 2), true);
        Files.writeString(s.file("a"), "{\"name\":\"a\",");
        java.util.List<Path> moved = new java.util.ArrayList<>();
        assertThat(s.readable((f, e) -> moved.add(f))).containsExactly(new Doc("b", 2));
        assertThat(moved).singleElement().satisfies(f -> assertThat(f.getParent()).isEqualTo(s.dir().resolve("quarantine")));
        assertThat(s.quarantined()).isEqualTo(moved);
        assertThat(Files.readString(moved.get(0))).as("kept for people to look at").isEqualTo("{\"name\":\"a\",");
        assertThat(s.all()).containsExactly(new Doc("b", 2));
    }
}
