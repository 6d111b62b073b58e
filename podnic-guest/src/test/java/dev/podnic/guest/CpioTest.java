package dev.podnic.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CpioTest {
    @Test
    void newcHeadersAndPaddingAreExact() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Cpio c = new Cpio(b);
        c.file("init", "hi\n".getBytes(StandardCharsets.US_ASCII), true);
        c.finish();
        String s = b.toString(StandardCharsets.US_ASCII);
        // magic, ino 1, mode 0100755, uid, gid, nlink 1, mtime, size 3, dev/rdev, namesize 5, check
        assertThat(s).startsWith("070701" + "00000001" + "000081ed" + "00000000" + "00000000" + "00000001" + "00000000"
                + "00000003" + "00000000" + "00000000" + "00000000" + "00000000" + "00000005" + "00000000" + "init\0"
                + "\0" + "hi\n\0");
        assertThat(b.size() % 4).isZero();
        assertThat(s).contains("TRAILER!!!\0");
    }
}
