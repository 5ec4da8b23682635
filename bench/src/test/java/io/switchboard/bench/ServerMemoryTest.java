package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void sumsTheHeapSpacesButNotMetaspace() {
        String heapInfo = """
                 def new generation   total 314560K, used 39146K [0x00000000c0000000, 0x00000000d5550000)
                  eden space 279616K,  14% used [0x00000000c0000000, 0x00000000c263a9e0, 0x00000000d1110000)
                 tenured generation   total 699072K, used 2363K [0x00000000d5550000, 0x0000000100000000)
                 Metaspace       used 5970K, committed 6208K, reserved 1114112K
                """;

        assertEquals(39146 + 2363, ServerMemory.heapUsedKib(heapInfo));
    }
}
