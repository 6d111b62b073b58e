package dev.podnic.cni.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {
    @TempDir
    Path dir;

    private ConfigDirectory directory() {
        return new ConfigDirectory(dir, new ConfigParser());
    }

    private void write(String file, String json) throws Exception {
        Files.writeString(dir.resolve(file), json);
    }

    @Test
    void listsWinOverSingleConfsAndFileNamesDecideTies() throws Exception {
        write("00-a.conf", "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"type\":\"ptp\"}");
        write("20-b.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"bridge\"}]}");
        write("10-c.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"net\",\"plugins\":[{\"type\":\"macvlan\"}]}");
        write("30-d.json", "{\"cniVersion\":\"1.0.0\",\"name\":\"other\",\"type\":\"ipvlan\"}");
        write("README.txt", "not a config");
        assertThat(directory().load("net").plugins().get(0).type()).isEqualTo("macvlan");
        assertThat(directory().load("other").plugins().get(0).type()).isEqualTo("ipvlan");
        assertThat(directory().list()).extracting(e -> e.file().getFileName().toString())
                .containsExactly("10-c.conflist", "20-b.conflist", "00-a.conf", "30-d.json");
    }

    @Test
    void unknownNameListsWhatExistsAndWhatIsBroken() throws Exception {
        write("10-a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\"}]}");
        write("20-b.conflist", "{ not json");
        assertThatThrownBy(() -> directory().load("nope"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no network named \"nope\"")
                .hasMessageContaining("networks podnet")
                .hasMessageContaining("20-b.conflist");
    }

    @Test
    void theMatchingFileIsValidatedFully() throws Exception {
        write("10-a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"typo\":\"bridge\"}]}");
        assertThatThrownBy(() -> directory().load("podnet"))
                .hasMessageContaining("10-a.conflist: field \"plugins[0].type\": missing");
    }

    @Test
    void missingDirectoryIsAClearError() {
        assertThatThrownBy(() -> new ConfigDirectory(dir.resolve("absent"), new ConfigParser()).load("x"))
                .hasMessageContaining("absent: not a directory");
    }

    @Test
    void theFingerprintChangesWithTheFiles() throws Exception {
        write("10-a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"}]}");
        String before = directory().fingerprint();
        assertThat(directory().fingerprint()).isEqualTo(before);
        write("10-a.conflist", "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"plugins\":[{\"type\":\"ptp\"}]} ");
        assertThat(directory().fingerprint()).isNotEqualTo(before);
    }
}
