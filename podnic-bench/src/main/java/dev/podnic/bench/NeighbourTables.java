package dev.podnic.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kernel's neighbour tables while a benchmark runs: one IPv6 and one IPv4 table for every network
 * namespace on the machine together, refusing new entries past {@code gc_thresh3} (1,024 by default),
 * after which sends fail with EINVAL in every namespace. Sampled every 50 ms on a thread of its own:
 * the peak entries, and how many entries were refused (the tables' {@code table_fulls}) during the run.
 */
final class NeighbourTables implements AutoCloseable {
    private static final Path ND = Path.of("/proc/net/stat/ndisc_cache");
    private static final Path ARP = Path.of("/proc/net/stat/arp_cache");

    private final String threshold = threshold(); // read here, where the bench's thread is in the machine's namespace
    private final long fullsBefore6 = fulls(ND);
    private final long fullsBefore4 = fulls(ARP);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;
    private volatile long peak6;
    private volatile long peak4;

    NeighbourTables() {
        sampler = new Thread(() -> {
            while (running.get()) {
                peak6 = Math.max(peak6, entries(ND));
                peak4 = Math.max(peak4, entries(ARP));
                try {
                    Thread.sleep(50); // a sampling period, not a wait for something
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "neighbour-tables");
        sampler.setDaemon(true);
        sampler.start();
    }

    @Override
    public String toString() {
        return String.format("peak entries IPv6 %d, IPv4 %d (refused past %s); entries refused during the run: IPv6 %d, IPv4 %d",
                peak6, peak4, threshold, fulls(ND) - fullsBefore6, fulls(ARP) - fullsBefore4);
    }

    @Override
    public void close() {
        running.set(false);
        sampler.interrupt();
    }

    /** Not Files.readString, which gets a /proc/sys file's first character only. */
    private static String threshold() {
        try {
            return Files.readAllLines(Path.of("/proc/sys/net/ipv6/neigh/default/gc_thresh3")).get(0).strip();
        } catch (IOException | IndexOutOfBoundsException e) {
            return "?";
        }
    }

    /** The first column of any CPU's line is the table's entries (global). */
    private static long entries(Path stat) {
        return Long.parseLong(lines(stat).get(1).trim().split("\\s+")[0], 16);
    }

    /** table_fulls, summed over the CPUs' lines. */
    private static long fulls(Path stat) {
        List<String> lines = lines(stat);
        int column = List.of(lines.get(0).trim().split("\\s+")).indexOf("table_fulls");
        return lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[column], 16)).sum();
    }

    private static List<String> lines(Path stat) {
        try {
            return Files.readAllLines(stat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
