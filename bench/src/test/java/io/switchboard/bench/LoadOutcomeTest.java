package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The load tools' outputs, as they print them, parsed into outcomes. */
class LoadOutcomeTest {
    /** redis-benchmark -q -t set,get: progress lines ended by CR, then one line per test. */
    private static final String REDIS_BENCHMARK = "SET: rps=1000000.0 (overall: 990000.0) avg_msec=0.500 (overall: 0.500)\r"
            + "SET: 1234567.89 requests per second, p50=0.311 msec                    \n"
            + "GET: rps=1400000.0 (overall: 1390000.0) avg_msec=0.400 (overall: 0.400)\r"
            + "GET: 1398601.38 requests per second, p50=0.287 msec                    \n\n";

    @Test
    void eachRedisBenchmarkTestIsReadOnItsOwn() {
        LoadOutcome get = LoadOutcome.parseRedisBenchmark(REDIS_BENCHMARK, "GET", 5_000_000);
        assertEquals(5_000_000, get.ops(), "the requests the window ran, as the caller sized it");
        assertEquals(287, get.p50Micros(), 1e-9, "GET's p50, not SET's 311 µs");
        assertEquals(1_234_567.89, LoadOutcome.redisRate(REDIS_BENCHMARK, "SET"), 1e-6);
        assertEquals(1_398_601.38, LoadOutcome.redisRate(REDIS_BENCHMARK, "GET"), 1e-6);
        assertNull(LoadOutcome.parseRedisBenchmark(REDIS_BENCHMARK, "INCR", 1), "a test that did not run");
        assertEquals(0, LoadOutcome.redisRate("Could not connect", "SET"));
    }
}
