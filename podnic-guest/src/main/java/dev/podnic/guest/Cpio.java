package dev.podnic.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs. */
final class Cpio {
    private final OutputStream out;
    private int ino = 1;
    private long written;

    Cpio(OutputStream out) {
        this.out = out;
    }

    void directory(String name) throws IOException {
        entry(name, 040755, new byte[0]);
    }

    void file(String name, byte[] data, boolean executable) throws IOException {
        entry(name, executable ? 0100755 : 0100644, data);
    }

    /** The end-of-archive marker. */
    void finish() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write("070701".getBytes(StandardCharsets.US_ASCII));
        for (long v : new long[] {name.equals("TRAILER!!!") ? 0 : ino++, mode, 0, 0, mode == 040755 ? 2 : 1, 0, data.length,
            0, 0, 0, 0, n.length, 0}) {
            h.write(String.format("%08x", v).getBytes(StandardCharsets.US_ASCII));
        }
        h.write(n);
        write(h.toByteArray());
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }
}
