package io.switchboard.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of an example process, read from outside without disturbing it: its resident set from
 * {@code /proc/<pid>/status}, and the heap left after the JVM's own collections from its {@code -Xlog:gc} lines
 * on stdout (a line such as {@code GC(7) Pause Young (Concurrent Start) (G1 Periodic Collection) 40M->12M(64M)}).
 * Nothing here forces a collection.
 */
final class ProcessMemory {
    static final long MIB = 1024 * 1024;
    /**
     * The JVM options the memory tests run the examples with. A 256 MiB heap makes the default memory budget 64 MiB
     * (a quarter of it), small enough for an attack of a few dozen connections to reach it. G1's periodic
     * collection (once a second while no other collection ran, JDK 12 and later) is what an operator enables so
     * that an idle server gives its heap back to the system: without it a quiet JVM may never collect, and garbage,
     * however unreferenced, stays resident. The heap free ratios let G1 shrink the heap to within 30 % of what is
     * live after a collection (the defaults keep up to 70 % free). Direct memory is capped at 16 MiB: the two
     * worker loops' fixed pools take 2 × (4 MiB + 64 KiB), and a server that needed more would fail with
     * {@code OutOfMemoryError: Cannot reserve ... direct buffer memory}. {@code -Xlog:gc} prints each collection's
     * heap before and after.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:MaxDirectMemorySize=16m",
            "-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=1000", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-Xlog:gc");
    /** The heap's maximum in {@link #JVM_OPTIONS}. */
    static final long MAX_HEAP = 256 * MIB;
    /**
     * What the JVM holds beyond its heap in these small tests (classes, compiled code, thread stacks, GC
     * structures, and the loops' fixed direct pools of 4 MiB each): measured at 60 to 80 MiB, bounded at 128.
     */
    static final long BEYOND_HEAP = 128 * MIB;

    private static final Pattern GC = Pattern.compile("GC\\(\\d+\\) .* (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private ProcessMemory() {
    }

    /** {@return the process's resident set size in bytes (VmRSS)} */
    static long rss(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid());
    }

    /** {@return the most resident memory the process has had so far, in bytes (VmHWM, the kernel's high-water mark)} */
    static long peakRss(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmHWM for process " + process.pid());
    }

    /** {@return the number of GC log lines seen so far, to look only at collections after this point} */
    static int collections(ExampleProcess p) {
        return (int) p.stdout.stream().filter(l -> GC.matcher(l).find()).count();
    }

    /**
     * The heap in use after the latest collection, if there were more than {@code after} collections so far.
     *
     * @return bytes, or -1 when no collection happened after the first {@code after}
     */
    static long heapAfterLatestCollection(ExampleProcess p, int after) {
        int seen = 0;
        long heap = -1;
        for (String line : p.stdout) {
            Matcher m = GC.matcher(line);
            if (m.find() && ++seen > after) {
                heap = bytes(m.group(3), m.group(4));
            }
        }
        return heap;
    }

    /** {@return the most heap in use after any collection past the first {@code after}, or -1} */
    static long maxHeapAfterCollections(ExampleProcess p, int after) {
        int seen = 0;
        long max = -1;
        for (String line : p.stdout) {
            Matcher m = GC.matcher(line);
            if (m.find() && ++seen > after) {
                max = Math.max(max, bytes(m.group(3), m.group(4)));
            }
        }
        return max;
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }

    private static long bytes(String amount, String unit) {
        long n = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> n * 1024;
            case "M" -> n * MIB;
            default -> n * 1024 * MIB;
        };
    }
}
