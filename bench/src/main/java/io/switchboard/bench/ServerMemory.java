package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of another process: its resident set ({@code VmRSS} of {@code /proc/PID/status}) and, for a JVM,
 * the heap in use right after a full collection ({@code jcmd PID GC.run}, then the {@code used} figures of
 * {@code jcmd PID GC.heap_info}, Metaspace excluded) and, when it runs with
 * {@code -XX:NativeMemoryTracking=summary}, the memory it allocated through {@code Unsafe.allocateMemory}
 * (native memory tracking's "Other": the JDK's direct buffers, and Netty's whether or not they have a cleaner).
 * Thread-safe (stateless).
 */
final class ServerMemory {
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** A heap space line: "def new generation   total 78656K, used 1234K [...", "garbage-first heap total ..". */
    private static final Pattern HEAP_USED = Pattern.compile("^\\s*(?!Metaspace|class space)\\S.*\\btotal \\d+K, used (\\d+)K");
    /** A heap space's line with its address range: "... total 314560K, used 61520K [0x00000000c0000000, ...0)". */
    private static final Pattern HEAP_RANGE = Pattern.compile("\\btotal \\d+K, used \\d+K \\[0x([0-9a-f]+),(?: 0x[0-9a-f]+,)* 0x([0-9a-f]+)\\)");
    /** The first line of a mapping in {@code /proc/PID/smaps}: "c0000000-100000000 rw-p ...". */
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
    private static final Pattern MAPPING_RSS = Pattern.compile("^Rss:\\s+(\\d+) kB");
    /** The "Other" line of {@code VM.native_memory summary}: "-   Other (reserved=122KB, committed=122KB)". */
    private static final Pattern NMT_OTHER = Pattern.compile("(?m)^-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB");

    private ServerMemory() {
    }

    /** Resident set size of {@code pid} in KiB. */
    static long rssKib(long pid) throws IOException {
        Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IOException("no VmRSS for process " + pid);
        }
        return Long.parseLong(m.group(1));
    }

    /** The number of files (sockets included) process {@code pid} has open. */
    static long openFiles(long pid) throws IOException {
        try (var files = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return files.count();
        }
    }

    /**
     * The resident part of JVM {@code pid}'s Java heap in KiB: the resident pages of its mappings within the
     * heap's address range ({@code GC.heap_info}, which runs no GC).
     */
    static long heapResidentKib(long pid) throws IOException, InterruptedException {
        long[] range = heapRange(jcmd(pid, "GC.heap_info"));
        return residentKib(Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"), StandardCharsets.US_ASCII),
                range[0], range[1]);
    }

    /** The lowest and highest address of the heap spaces in {@code GC.heap_info} output. */
    static long[] heapRange(String heapInfo) {
        long low = Long.MAX_VALUE;
        long high = 0;
        Matcher m = HEAP_RANGE.matcher(heapInfo);
        while (m.find()) {
            low = Math.min(low, Long.parseUnsignedLong(m.group(1), 16));
            high = Math.max(high, Long.parseUnsignedLong(m.group(2), 16));
        }
        if (high == 0) {
            throw new IllegalArgumentException("no heap address range in: " + heapInfo);
        }
        return new long[] {low, high};
    }

    /** Sums the {@code Rss} of the mappings in {@code smaps} lines that lie within {@code [low, high)}. */
    static long residentKib(List<String> smaps, long low, long high) {
        long kib = 0;
        boolean inside = false;
        for (String line : smaps) {
            Matcher mapping = MAPPING.matcher(line);
            if (mapping.find()) {
                inside = Long.parseUnsignedLong(mapping.group(1), 16) >= low
                        && Long.parseUnsignedLong(mapping.group(2), 16) <= high;
                continue;
            }
            Matcher rss = MAPPING_RSS.matcher(line);
            if (inside && rss.find()) {
                kib += Long.parseLong(rss.group(1));
            }
        }
        return kib;
    }

    /** Runs a full GC in JVM {@code pid} and returns the heap in use after it, in KiB. */
    static long heapUsedAfterGcKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return heapUsedKib(jcmd(pid, "GC.heap_info"));
    }

    /** Sums the {@code used} figures of the heap spaces in {@code GC.heap_info} output. */
    static long heapUsedKib(String heapInfo) {
        long used = 0;
        boolean any = false;
        for (String line : heapInfo.split("\n")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(1));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("no heap figures in: " + heapInfo);
        }
        return used;
    }

    /**
     * Memory JVM {@code pid} allocated through {@code Unsafe.allocateMemory} and has not freed, in KiB; no GC is
     * run. Needs {@code -XX:NativeMemoryTracking=summary} in that JVM.
     */
    static long unsafeAllocatedKib(long pid) throws IOException, InterruptedException {
        return nmtOtherKib(jcmd(pid, "VM.native_memory summary scale=KB"));
    }

    /** The committed KiB of the "Other" category in {@code VM.native_memory summary} output. */
    static long nmtOtherKib(String summary) {
        Matcher m = NMT_OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalArgumentException("no \"Other\" line (is native memory tracking on?) in: " + summary);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The young collections JVM {@code pid} has completed ({@code sun.gc.collector.0.invocations} of
     * {@code jcmd PID PerfCounter.print}: the young generation's collector with the serial and parallel
     * collectors); runs no GC.
     */
    static long youngCollections(long pid) throws IOException, InterruptedException {
        return perfCounter(jcmd(pid, "PerfCounter.print"), "sun.gc.collector.0.invocations");
    }

    /** The methods JVM {@code pid}'s JIT compilers have compiled so far ({@code sun.ci.totalCompiles}). */
    static long jitCompilations(long pid) throws IOException, InterruptedException {
        return perfCounter(jcmd(pid, "PerfCounter.print"), "sun.ci.totalCompiles");
    }

    /** The value of counter {@code name} in {@code PerfCounter.print} output. */
    static long perfCounter(String counters, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(-?\\d+)$").matcher(counters);
        if (!m.find()) {
            throw new IllegalArgumentException("no counter " + name + " in: " + counters);
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + text);
        }
        return text;
    }
}
