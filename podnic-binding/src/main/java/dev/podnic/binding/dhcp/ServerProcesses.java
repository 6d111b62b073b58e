package dev.podnic.binding.dhcp;

import dev.podnic.netlink.sys.ProcessExit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** The daemons a backend starts per vNIC (dnsmasq, podnic-ra): found by their pid files, ended by PID. */
final class ServerProcesses {
    private ServerProcesses() {
    }

    /** The process a pid file names, if it is still the one {@code ours} recognises by its command line. */
    static Optional<ProcessHandle> fromPidFile(Path pidFile, Predicate<String> ours) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                    .filter(h -> h.info().commandLine().map(ours::test).orElse(false));
        } catch (IOException | NumberFormatException unreadable) {
            return Optional.empty(); // none, or not written by a process of ours
        }
    }

    /** SIGTERM, then SIGKILL after 5 s; done once the process has exited (gone, or a zombie awaiting its reaper). */
    static void end(ProcessHandle h) {
        h.destroy();
        if (!ProcessExit.await(h.pid(), Duration.ofSeconds(5))) {
            h.destroyForcibly();
            ProcessExit.await(h.pid(), Duration.ofSeconds(5));
        }
    }

    /** Gone, or a zombie awaiting its reaper. */
    static boolean exited(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }
}
