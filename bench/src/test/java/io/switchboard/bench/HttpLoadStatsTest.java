package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The load run's counters: counts and latencies from the one client loop, errors from anywhere. */
class HttpLoadStatsTest {
    @Test
    void responsesAreCountedWithTheirLatencies() {
        HttpLoadStats stats = new HttpLoadStats();
        stats.responses(3, 1_000);
        stats.responses(2, 5_000);
        stats.non2xx(404);

        HttpLoadStats.Snapshot s = stats.snapshot();
        assertEquals(5, s.responses(), "3 + 2 responses");
        assertEquals(1, s.errors(), "the 404");
        assertEquals("status 404", stats.firstError());
        Histogram latencies = stats.latenciesSinceLastCall();
        assertEquals(5, latencies.getTotalCount(), "one latency per response");
        assertEquals(3, latencies.getCountAtValue(1_000));
        assertEquals(2, latencies.getCountAtValue(5_000));
        assertEquals(0, stats.latenciesSinceLastCall().getTotalCount(), "an interval starts empty");
    }

    @Test
    void aSecondWriterThreadIsCaught() {
        HttpLoadStats stats = new HttpLoadStats();
        stats.responses(1, 10);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> CompletableFuture.runAsync(() -> stats.responses(1, 10)).get());
        assertEquals(AssertionError.class, e.getCause().getClass(), "responses have one writer (tests run with -ea)");
    }
}
