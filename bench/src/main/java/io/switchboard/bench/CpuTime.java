package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of another process on Linux, read from {@code /proc}. Two readings, taken together:
 * <ul>
 *   <li>the sum over its threads of the first field of {@code /proc/PID/task/TID/schedstat}: nanoseconds on
 *       a CPU, precise, but a thread that exits takes its time with it;</li>
 *   <li>{@code utime + stime} of {@code /proc/PID/stat}: whole process including exited threads, in clock
 *       ticks ({@code getconf CLK_TCK}, usually 100 per second).</li>
 * </ul>
 * It also reads how busy one CPU core was ({@code /proc/stat}), whoever used it: that includes the kernel's
 * softirq work (such as loopback TCP delivery), which is charged to no process.
 * Thread-safe (immutable).
 */
final class CpuTime {
    private final long ticksPerSecond;

    /** @param ticksPerSecond the kernel's USER_HZ, from {@link #clockTicksPerSecond()} */
    CpuTime(long ticksPerSecond) {
        if (ticksPerSecond <= 0) {
            throw new IllegalArgumentException("ticks per second must be positive");
        }
        this.ticksPerSecond = ticksPerSecond;
    }

    /** USER_HZ as {@code getconf CLK_TCK} reports it. */
    static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String text = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!getconf.waitFor(10, TimeUnit.SECONDS) || getconf.exitValue() != 0) {
            throw new IOException("getconf CLK_TCK failed: " + text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("getconf CLK_TCK printed " + text, e);
        }
    }

    /** Both readings for process {@code pid} now. */
    Sample sample(long pid) throws IOException {
        long ticks = statTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        return new Sample(schedstatNanos(Path.of("/proc", Long.toString(pid), "task")),
                TimeUnit.SECONDS.toNanos(ticks) / ticksPerSecond);
    }

    /** Nanoseconds core {@code cpu} has not been idle since boot: user, nice, system, irq, softirq and steal. */
    long coreBusyNanos(int cpu) throws IOException {
        long ticks = coreBusyTicks(Files.readString(Path.of("/proc/stat"), StandardCharsets.US_ASCII), cpu);
        return TimeUnit.SECONDS.toNanos(ticks) / ticksPerSecond;
    }

    /** Busy ticks of core {@code cpu} from the text of {@code /proc/stat}. */
    static long coreBusyTicks(String procStat, int cpu) {
        String prefix = "cpu" + cpu + " ";
        for (String line : procStat.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] f = line.substring(prefix.length()).trim().split("\s+");
                if (f.length < 8) {
                    break;
                }
                // user nice system idle iowait irq softirq steal [guest guest_nice: already in user and nice]
                return Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])
                        + Long.parseLong(f[5]) + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            }
        }
        throw new IllegalArgumentException("no line for cpu" + cpu + " in /proc/stat");
    }

    /** Sums the on-CPU nanoseconds of every thread directory under {@code tasks}. */
    static long schedstatNanos(Path tasks) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String line;
                try {
                    line = Files.readString(thread.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
                } catch (NoSuchFileException e) {
                    continue; // the thread exited after the listing
                }
                int space = line.indexOf(' ');
                total += Long.parseLong(space < 0 ? line : line.substring(0, space));
            }
        }
        return total;
    }

    /**
     * On-CPU nanoseconds of process {@code pid}'s JIT compiler threads (named {@code C1 CompilerThre…} and
     * {@code C2 CompilerThre…} by HotSpot), the live ones: part of what {@link #sample} counts when the compilers
     * run on the server's core.
     */
    long compilerNanos(long pid) throws IOException {
        return compilerNanos(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** Sums the on-CPU nanoseconds of the thread directories under {@code tasks} whose name is a JIT compiler's. */
    static long compilerNanos(Path tasks) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                String line;
                try {
                    String name = Files.readString(thread.resolve("comm"), StandardCharsets.US_ASCII);
                    if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                        continue;
                    }
                    line = Files.readString(thread.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
                } catch (NoSuchFileException e) {
                    continue; // the thread exited after the listing (HotSpot stops idle compiler threads)
                }
                int space = line.indexOf(' ');
                total += Long.parseLong(space < 0 ? line : line.substring(0, space));
            }
        }
        return total;
    }

    /**
     * {@code utime + stime} in ticks from the text of {@code /proc/PID/stat}. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last ')'.
     */
    static long statTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        if (fields.length < 13) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU time of a process at one instant.
     *
     * @param schedstatNanos sum of the live threads' schedstat run time
     * @param statNanos      utime + stime of the process, converted from ticks
     */
    record Sample(long schedstatNanos, long statNanos) {
        /** The CPU time spent between {@code earlier} and this sample. */
        Sample minus(Sample earlier) {
            return new Sample(schedstatNanos - earlier.schedstatNanos, statNanos - earlier.statNanos);
        }
    }
}
