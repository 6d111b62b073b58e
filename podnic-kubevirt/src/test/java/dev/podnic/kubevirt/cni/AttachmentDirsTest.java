package dev.podnic.kubevirt.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentDirsTest {
    @TempDir
    Path tmp;

    @Test
    void anAttachmentMadeBeforeTheStateMovedIsFoundWhereItWasAndANewOneInTheNewPlace() throws Exception {
        Path before = Files.createDirectories(tmp.resolve("var/kubevirt"));
        Path now = tmp.resolve("run/kubevirt");
        Files.createDirectories(before.resolve("sandbox-a-net1"));
        AttachmentDirs dirs = new AttachmentDirs(new BindingStateDirs(now, before));

        assertThat(dirs.dir("sandbox-a-net1")).isEqualTo(before.resolve("sandbox-a-net1"));
        assertThat(dirs.dir("sandbox-b-net1")).isEqualTo(now.resolve("sandbox-b-net1"));
        assertThat(dirs.all()).containsExactly(before.resolve("sandbox-a-net1")); // (the new place made by nobody yet)

        Files.createDirectories(now.resolve("sandbox-b-net1"));
        Files.writeString(now.resolve("not-an-attachment"), "");
        assertThat(dirs.all()).containsExactlyInAnyOrder(before.resolve("sandbox-a-net1"), now.resolve("sandbox-b-net1"));

        AttachmentDirs.delete(dirs.dir("sandbox-a-net1")); // freed: the old place drains
        assertThat(dirs.dir("sandbox-a-net1")).as("made again: in the new place").isEqualTo(now.resolve("sandbox-a-net1"));
    }

    @Test
    void stateThatNeverMovedIsListedOnce() throws Exception {
        Path here = Files.createDirectories(tmp.resolve("kubevirt/sandbox-a-net1")).getParent();
        AttachmentDirs dirs = new AttachmentDirs(BindingStateDirs.at(here));
        assertThat(dirs.all()).containsExactly(here.resolve("sandbox-a-net1"));
        assertThat(dirs.dir("sandbox-a-net1")).isEqualTo(here.resolve("sandbox-a-net1"));
    }
}
