package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers of jcmd's output. */
class ServerMemoryTest {
    @Test
    void readsTheOtherCategoryOfNativeMemoryTracking() {
        String jdk17 = """
                Native Memory Tracking:

                Total: reserved=2455394KB, committed=1087694KB
                -                 Java Heap (reserved=1048576KB, committed=1048576KB)
                                            (mmap: reserved=1048576KB, committed=1048576KB)
                -                     Other (reserved=4218KB, committed=4218KB)
                                            (malloc=4218KB #259)
                -                    Symbol (reserved=1836KB, committed=1836KB)
                """;
        String jdk25 = """
                -                     Other (reserved=1034KB, committed=1034KB)
                                            (malloc=1034KB tag=Other #3) (at peak)
                """;

        assertEquals(4218, ServerMemory.nmtOtherKib(jdk17));
        assertEquals(1034, ServerMemory.nmtOtherKib(jdk25));
        assertThrows(IllegalArgumentException.class,
                () -> ServerMemory.nmtOtherKib("Native memory tracking is not enabled"));
    }

    @Test
    void readsOneCounterOfPerfCounterPrint() {
        String counters = """
                java.ci.totalTime=206219702
                sun.ci.totalCompiles=650
                sun.gc.collector.0.invocations=3
                sun.gc.collector.1.invocations=12
                """;

        assertEquals(650, ServerMemory.perfCounter(counters, "sun.ci.totalCompiles"));
        assertEquals(3, ServerMemory.perfCounter(counters, "sun.gc.collector.0.invocations"));
        assertEquals(12, ServerMemory.perfCounter(counters, "sun.gc.collector.1.invocations"));
        assertThrows(IllegalArgumentException.class, () -> ServerMemory.perfCounter(counters, "sun.gc.collector.2.invocations"));
    }

    @Test
    void sumsTheHeapSpacesButNotMetaspace() {
        String heapInfo = """
                 def new generation   total 314560K, used 39146K [0x00000000c0000000, 0x00000000d5550000)
                  eden space 279616K,  14% used [0x00000000c0000000, 0x00000000c263a9e0, 0x00000000d1110000)
                 tenured generation   total 699072K, used 2363K [0x00000000d5550000, 0x0000000100000000)
                 Metaspace       used 5970K, committed 6208K, reserved 1114112K
                """;

        assertEquals(39146 + 2363, ServerMemory.heapUsedKib(heapInfo));
    }

    @Test
    void findsTheHeapsAddressRangeAndItsResidentPages() {
        String serial = """
                 def new generation   total 314560K, used 61520K [0x00000000c0000000, 0x00000000d5550000, 0x00000000d5550000)
                  eden space 279616K,  22% used [0x00000000c0000000, 0x00000000c3c14078, 0x00000000d1110000)
                 tenured generation   total 699072K, used 0K [0x00000000d5550000, 0x0000000100000000, 0x0000000100000000)
                 Metaspace       used 5970K, committed 6208K, reserved 1114112K
                """;
        String g1 = " garbage-first heap   total 1048576K, used 5324K [0x00000000c0000000, 0x0000000100000000)\n";
        long[] range = ServerMemory.heapRange(serial);
        List<String> smaps = List.of(
                "558390dee000-558390def000 r--p 00000000 fe:00 327901   /usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                "Rss:                   4 kB",
                "c0000000-100000000 rw-p 00000000 00:00 0 ",
                "Size:            1048576 kB",
                "Rss:               92484 kB",
                "Pss:               92484 kB",
                "7f41f0000000-7f41f0021000 rw-p 00000000 00:00 0 ",
                "Rss:                 132 kB");

        assertArrayEquals(new long[] {0xc0000000L, 0x100000000L}, range);
        assertArrayEquals(new long[] {0xc0000000L, 0x100000000L}, ServerMemory.heapRange(g1));
        assertEquals(92484, ServerMemory.residentKib(smaps, range[0], range[1]), "only the heap's mapping counts");
    }
}
