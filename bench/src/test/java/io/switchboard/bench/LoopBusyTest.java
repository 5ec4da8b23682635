package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The warning when the load generator's own thread, not the server, may have set the pace. */
class LoopBusyTest {
    private static final String WARNING = "warning: the load generator's own thread was busy";

    @Test
    void theShareIsTheBusiestThreadsCpuTimeOverTheWindow() {
        assertEquals(0.95, LoopBusy.share(new long[] {100}, new long[] {1_050}, 1_000), 1e-9);
        assertEquals(0.5, LoopBusy.share(new long[] {0, 0}, new long[] {200, 500}, 1_000), 1e-9, "the busier of two");
        assertEquals(-1, LoopBusy.share(new long[0], new long[0], 1_000), "not measured");
        assertEquals(-1, LoopBusy.share(new long[] {0}, new long[] {5}, 0), "no window");
    }

    @Test
    void warnsAboveNinetyPercentOnly() {
        assertEquals(WARNING + " 97 % of the window; the server may be faster than this measures"
                + " (run a second load generator on another core, or use wrk)", LoopBusy.warning(0.97));
        assertTrue(LoopBusy.warning(0.901).contains("busy 90 %"));
        assertTrue(LoopBusy.warning(1.02).contains("busy 100 %"), "CPU time read a little after the window: 100 %");
        assertNull(LoopBusy.warning(0.90), "90 % is not more than 90 %");
        assertNull(LoopBusy.warning(0.42));
        assertNull(LoopBusy.warning(-1), "not measured: no warning");
    }

    @Test
    void theSummaryHasTheWarningLineOnlyWhenTheThreadWasTheBottleneck() {
        String busy = summary(0.97);
        assertTrue(busy.contains("load generator thread busy 97 % of the window (0.97 µs of CPU per request)\n"),
                "1,000,000 requests in 1 s, the thread busy 0.97 s: " + busy);
        assertTrue(busy.contains(WARNING + " 97 %"), busy);

        String idle = summary(0.40);
        assertTrue(idle.contains("load generator thread busy 40 % of the window (0.40 µs of CPU per request)\n"), idle);
        assertFalse(idle.contains("warning"), idle);

        String unknown = summary(-1);
        assertFalse(unknown.contains("busy") || unknown.contains("warning"), unknown);
    }

    @Test
    void theCpuTimeOfAThreadIsRead() {
        long[] nanos = new LoopBusy(List.of(Thread.currentThread())).cpuNanos();
        assertEquals(1, nanos.length, "HotSpot on Linux measures thread CPU time: one reading per thread");
        assertTrue(nanos[0] > 0, "this thread has run: " + nanos[0]);
    }

    private static String summary(double loopBusy) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HttpLoadResult result = new HttpLoadResult(1_000_000, 1.0, 0, 0, 0, 0, new Histogram(3), null, loopBusy);
        result.printTo(new PrintStream(bytes, true, StandardCharsets.UTF_8), "");
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
