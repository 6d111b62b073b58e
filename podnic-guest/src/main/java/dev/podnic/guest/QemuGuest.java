package dev.podnic.guest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The test guest in a QEMU process of its own, without libvirt, in follow mode (it runs as a cloud
 * image does: dhcpcd manages its NICs and follows their carrier; it reports every change on its serial
 * console, see the image's init), driven over QMP: what a live migration needs — a second QEMU started
 * with {@code -incoming}, {@code migrate}, and {@code set_link} as KubeVirt's link refresh uses it.
 * The caller starts the process (in the pod's network namespace, where the taps are).
 */
public final class QemuGuest implements AutoCloseable {
    /** A vNIC: the tap it uses in the pod, its MAC; QEMU's device id is {@code nic<index>}. */
    public record Nic(String tap, String mac) {
    }

    private final Process process;
    private final Qmp qmp;
    private final Path console;

    private QemuGuest(Process process, Qmp qmp, Path console) {
        this.process = process;
        this.qmp = qmp;
        this.console = console;
    }

    /**
     * The QEMU command line; source and target of a migration use the same one, the target with
     * {@code incoming} (a Unix socket the source migrates to).
     */
    public static List<String> commandLine(GuestImage image, List<Nic> nics, List<String> pings, boolean ipv6, Path console,
                                           Path qmpSocket, Optional<Path> incoming) {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "256", "-smp", "1",
                "-nodefaults", "-no-user-config", "-display", "none", "-kernel", image.kernel().toString(),
                "-initrd", image.initrd().toString(), "-append", "console=ttyS0 quiet panic=-1 podnic.follow=1"
                        + (ipv6 ? " podnic.ipv6=1" : "") + (pings.isEmpty() ? "" : " podnic.ping=" + String.join(",", pings)),
                "-serial", "file:" + console, "-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
        for (int i = 0; i < nics.size(); i++) {
            Nic n = nics.get(i);
            cmd.addAll(List.of("-netdev", "tap,id=net" + i + ",ifname=" + n.tap() + ",script=no,downscript=no",
                    "-device", "virtio-net-pci,netdev=net" + i + ",id=nic" + i + ",mac=" + n.mac() + ",romfile="));
        }
        incoming.ifPresent(p -> cmd.addAll(List.of("-incoming", "unix:" + p)));
        return cmd;
    }

    /** Takes over a started QEMU once its QMP socket answers (within {@code timeout}). */
    public static QemuGuest attach(Process process, Path qmpSocket, Path console, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited (status " + process.exitValue() + "): "
                        + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (Files.exists(qmpSocket)) {
                try {
                    return new QemuGuest(process, Qmp.connect(qmpSocket), console);
                } catch (IOException e) {
                    last = e;
                }
            }
            Thread.sleep(20); // (a socket file to appear: no event to wait on)
        }
        process.destroyForcibly();
        throw new IOException("QEMU's QMP socket " + qmpSocket + " did not answer within " + timeout, last);
    }

    /** Live-migrates the running guest to the QEMU waiting on {@code incoming}; returns when QEMU says completed. */
    public void migrateTo(Path incoming, Duration timeout) throws IOException, InterruptedException {
        qmp.execute("migrate", Qmp.arguments().put("uri", "unix:" + incoming));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = qmp.execute("query-migrate", null);
            switch (status.path("status").asText()) {
                case "completed":
                    return;
                case "failed":
                case "cancelled":
                    throw new IOException("migration " + status.path("status").asText() + ": " + status.path("error-desc").asText(""));
                default:
                    Thread.sleep(50); // (QEMU reports progress only when asked)
            }
        }
        throw new IOException("migration did not complete within " + timeout);
    }

    /** Stops the guest's CPU (QMP {@code stop}); a migration of a stopped guest copies its memory once. */
    public void pause() throws IOException {
        qmp.execute("stop", null);
    }

    /** Runs the guest's CPU again (QMP {@code cont}): a migration target of a stopped guest waits for it. */
    public void resume() throws IOException {
        qmp.execute("cont", null);
    }

    /** The guest's link on vNIC {@code index}, as virt-handler's link refresh sets it. */
    public void setLink(int index, boolean up) throws IOException {
        qmp.execute("set_link", Qmp.arguments().put("name", "nic" + index).put("up", up));
    }

    /** QEMU's run state ("running", "inmigrate", "postmigrate", ...). */
    public String status() throws IOException {
        return qmp.execute("query-status", null).path("status").asText();
    }

    /**
     * Waits until one of the guest's follow-mode reports after the first {@code after} satisfies
     * {@code wanted}; returns its position (the number of reports up to and including it).
     */
    public int awaitReport(int after, Predicate<FollowLine> wanted, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<FollowLine> reports = FollowLine.parseAll(console());
            for (int k = after; k < reports.size(); k++) {
                if (wanted.test(reports.get(k))) {
                    return k + 1;
                }
            }
            Thread.sleep(20); // (the console is a file QEMU appends to: no event to wait on)
        }
        throw new IOException("no report of the guest satisfied the wait within " + timeout + "; its console:\n" + console());
    }

    /** The guest's follow-mode report at {@code position} (1-based, as {@link #awaitReport} counts). */
    public FollowLine report(int position) throws IOException {
        return FollowLine.parseAll(console()).get(position - 1);
    }

    public String console() throws IOException {
        return Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
    }

    public Path consoleFile() {
        return console;
    }

    @Override
    public void close() throws IOException {
        try {
            qmp.execute("quit", null);
        } catch (IOException alreadyGone) {
            // it quits as it answers, or was gone
        } finally {
            qmp.close();
            process.destroyForcibly();
        }
    }
}
