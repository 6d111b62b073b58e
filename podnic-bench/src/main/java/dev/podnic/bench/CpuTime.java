package dev.podnic.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) spent by processes, to count what an operation costs the machine rather than how long
 * it waits: on a machine of two vCPUs, work that overlaps other work still takes CPU from it, so moving it changes
 * little and only doing less shortens a call. Two sources:
 * <ul>
 * <li>this process's children that have been waited for, and theirs (getrusage RUSAGE_CHILDREN: microseconds) —
 *     what a CNI runtime this benchmark started spent, with every plugin it ran;</li>
 * <li>another process, from /proc/PID/stat: its own threads, the ended ones included, and the children it waited
 *     for (clock ticks: read over many calls, not one).</li>
 * </ul>
 */
final class CpuTime {
    private static final int RUSAGE_CHILDREN = -1;
    private static final int SC_CLK_TCK = 2;

    private interface Rusage extends Library {
        Rusage LIBC = Native.load("c", Rusage.class);

        /** struct rusage on 64-bit Linux: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs. */
        int getrusage(int who, long[] usage);

        long sysconf(int name);
    }

    private CpuTime() {
    }

    /** Nanoseconds of CPU spent by this process's waited-for children and their waited-for descendants. */
    static long children() {
        long[] u = new long[18];
        if (Rusage.LIBC.getrusage(RUSAGE_CHILDREN, u) != 0) {
            throw new IllegalStateException("getrusage(RUSAGE_CHILDREN) failed");
        }
        return (u[0] + u[2]) * 1_000_000_000L + (u[1] + u[3]) * 1_000L;
    }

    /** What process {@code pid} has spent: its own threads, and the children it waited for. Nanoseconds. */
    record OfProcess(long own, long children) {
        static OfProcess of(long pid) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            } catch (IOException e) {
                throw new UncheckedIOException("process " + pid + " is gone", e);
            }
            // Fields after the command (which may hold spaces), from the third on: utime is the 14th, cutime the 16th.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long tick = 1_000_000_000L / Rusage.LIBC.sysconf(SC_CLK_TCK);
            return new OfProcess((Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick,
                    (Long.parseLong(f[13]) + Long.parseLong(f[14])) * tick);
        }

        OfProcess minus(OfProcess earlier) {
            return new OfProcess(own - earlier.own, children - earlier.children);
        }
    }
}
