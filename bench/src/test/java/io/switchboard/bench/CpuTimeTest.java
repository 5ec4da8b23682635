package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading CPU time from /proc. */
class CpuTimeTest {

    @Test
    void statTicksAddsUtimeAndStimeAfterACommandNameWithSpacesAndParentheses() {
        String stat = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 5 0 100 0 0";

        assertEquals(325, CpuTime.statTicks(stat));
    }

    @Test
    void statTicksRejectsOtherText() {
        assertThrows(IllegalArgumentException.class, () -> CpuTime.statTicks("no parentheses here"));
        assertThrows(IllegalArgumentException.class, () -> CpuTime.statTicks("1 (x) S 1 2"));
    }

    @Test
    void coreBusyTicksAddsEverythingButIdleAndIowait() {
        String stat = "cpu  41773 0 21239 165498 174 0 9563 47 0 0\n"
                + "cpu0 20301 1 10868 83280 34 2 4528 22 0 0\n"
                + "cpu1 21472 0 10370 82218 139 0 5035 24 0 0\n"
                + "intr 799186 0 0\n";

        assertEquals(20301 + 1 + 10868 + 2 + 4528 + 22, CpuTime.coreBusyTicks(stat, 0));
        assertEquals(21472 + 10370 + 5035 + 24, CpuTime.coreBusyTicks(stat, 1));
        assertThrows(IllegalArgumentException.class, () -> CpuTime.coreBusyTicks(stat, 2));
    }

    @Test
    void samplesThisProcess() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        CpuTime cpu = new CpuTime(CpuTime.clockTicksPerSecond());
        long pid = ProcessHandle.current().pid();

        CpuTime.Sample first = cpu.sample(pid);
        long sum = 0;
        for (int i = 0; i < 5_000_000; i++) {
            sum += Integer.toString(i).length();
        }
        CpuTime.Sample second = cpu.sample(pid);

        assertTrue(sum > 0);
        assertTrue(first.schedstatNanos() > 0, "a running JVM has used some CPU");
        assertTrue(second.minus(first).schedstatNanos() > 0, "the loop between the samples used CPU");
        assertTrue(second.statNanos() >= first.statNanos());
    }

    @Test
    void compilerNanosCountsOnlyTheJitsThreads(@TempDir Path tasks) throws Exception {
        thread(tasks, 101, "java", "9000 10 2");
        thread(tasks, 102, "C2 CompilerThre", "2500 4 1");
        thread(tasks, 103, "C1 CompilerThre", "500 2 1");
        thread(tasks, 104, "switchboard-loop", "70000 99 9");

        assertEquals(3000, CpuTime.compilerNanos(tasks), "C2 2,500 ns + C1 500 ns; the loop and main threads are not the JIT's");
    }

    private static void thread(Path tasks, int tid, String name, String schedstat) throws Exception {
        Path dir = Files.createDirectories(tasks.resolve(Integer.toString(tid)));
        Files.writeString(dir.resolve("comm"), name + "\n");
        Files.writeString(dir.resolve("schedstat"), schedstat + "\n");
    }
}
