package dev.podnic.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the test guest from Debian packages at run time, nothing from elsewhere: the kernel of
 * {@code linux-image-amd64} (unpacked with dpkg-deb, no initrd rebuild) and an initramfs holding
 * busybox-static, dhcpcd (Debian's busybox has no DHCPv6 client) with the libc it links, the
 * virtio-net modules and podnic's init script. Cached under {@code cacheDir} by
 * kernel package and script, so it is built once per machine.
 */
public final class GuestImageBuilder {
    /** virtio-net and what it needs, in load order. */
    public static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_modern_dev",
            "virtio_pci_legacy_dev", "virtio_pci", "failover", "net_failover", "virtio_net");

    private final Path cacheDir;

    public GuestImageBuilder(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    public GuestImage build(Consumer<String> progress) throws IOException, InterruptedException {
        byte[] init = resource("init");
        String kernelPackage = run(List.of("apt-cache", "depends", "linux-image-amd64"), null).lines()
                .map(String::strip).filter(l -> l.startsWith("Depends: linux-image-")).map(l -> l.substring("Depends: ".length()))
                .findFirst().orElseThrow(() -> new IOException("no kernel package behind linux-image-amd64 (run apt-get update)"));
        Path dir = cacheDir.resolve(kernelPackage + "-" + hash(init));
        GuestImage image = new GuestImage(dir.resolve("vmlinuz"), dir.resolve("initrd.img"));
        if (Files.exists(image.kernel()) && Files.exists(image.initrd())) {
            return image;
        }
        progress.accept("building the guest image from " + kernelPackage + ", busybox-static and dhcpcd-base (once per machine)");
        Path work = Files.createTempDirectory("podnic-guest");
        try {
            run(List.of("apt-get", "download", kernelPackage, "busybox-static", "dhcpcd-base", "libc6"), work);
            Path root = work.resolve("x");
            try (Stream<Path> debs = Files.list(work)) {
                for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                    run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), work);
                }
            }
            Path staging = Files.createDirectories(cacheDir.resolve(dir.getFileName() + ".tmp"));
            Path kernel = find(root.resolve("boot"), "vmlinuz-").orElseThrow(() -> new IOException("no vmlinuz in " + kernelPackage));
            Files.copy(kernel, staging.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(staging.resolve("initrd.img")))) {
                Cpio cpio = new Cpio(out);
                for (String d : List.of("bin", "sbin", "dev", "etc", "proc", "sys", "tmp", "run", "run/dhcpcd", "var", "var/lib",
                        "var/lib/dhcpcd", "lib", "lib/modules", "lib64", "lib/x86_64-linux-gnu")) {
                    cpio.directory(d);
                }
                cpio.file("bin/busybox", Files.readAllBytes(root.resolve("bin/busybox")), true);
                // dhcpcd (the IPv6 client: router advertisements and DHCPv6) and the only library it links.
                cpio.file("sbin/dhcpcd", Files.readAllBytes(root.resolve("usr/sbin/dhcpcd")), true);
                cpio.file("lib64/ld-linux-x86-64.so.2", regularFile(root, "ld-linux-x86-64.so.2"), true);
                cpio.file("lib/x86_64-linux-gnu/libc.so.6", regularFile(root, "libc.so.6"), true);
                cpio.file("init", init, true);
                for (String m : MODULES) {
                    cpio.file("lib/modules/" + m + ".ko", module(root, m), false);
                }
                cpio.finish();
            }
            Files.createDirectories(cacheDir);
            if (Files.exists(dir)) {
                deleteTree(dir);
            }
            Files.move(staging, dir);
            return image;
        } finally {
            deleteTree(work);
        }
    }

    private static byte[] module(Path root, String name) throws IOException, InterruptedException {
        try (Stream<Path> all = Files.walk(root.resolve("lib/modules"))) {
            List<Path> found = all.filter(p -> p.getFileName().toString().equals(name + ".ko")
                    || p.getFileName().toString().equals(name + ".ko.xz")).toList();
            if (found.isEmpty()) {
                throw new IOException("module " + name + " not in the kernel package");
            }
            Path p = found.get(0);
            if (p.toString().endsWith(".xz")) {
                Process x = new ProcessBuilder("xz", "-dc", p.toString()).start();
                byte[] b = x.getInputStream().readAllBytes();
                x.waitFor();
                return b;
            }
            return Files.readAllBytes(p);
        }
    }

    /** A library's bytes from the unpacked packages (the file itself, not one of the symbolic links to it). */
    private static byte[] regularFile(Path root, String name) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            Path p = all.filter(f -> f.getFileName().toString().equals(name) && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .findFirst().orElseThrow(() -> new IOException(name + " not in the unpacked packages"));
            return Files.readAllBytes(p);
        }
    }

    private static Optional<Path> find(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GuestImageBuilder.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static String hash(byte[] init) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(init);
            d.update(String.join(",", MODULES).getBytes(StandardCharsets.UTF_8));
            d.update("dhcpcd-base,libc6".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(), 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
