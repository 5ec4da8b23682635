package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** h2load's summary as it prints it (nghttp2 1.52), after its progress lines. */
    @Test
    void h2loadCountsTheTwoHundredsAsOpsAndEverythingElseAsErrors() {
        String out = "progress: 90% done\nprogress: 100% done\n\n"
                + "finished in 10.00s, 412345.60 req/s, 14.62MB/s\n"
                + "requests: 4123500 total, 4123564 started, 4123500 done, 4123450 succeeded, 50 failed, 20 errored, 0 timeout\n"
                + "status codes: 4123450 2xx, 0 3xx, 30 4xx, 0 5xx\n"
                + "traffic: 146.23MB (153336890) total, 19.70MB (20657640) headers (space savings 94.40%), 51.11MB data\n";
        LoadOutcome o = LoadOutcome.parseH2load(out);
        assertEquals(4_123_450, o.ops(), "the 2xx answers");
        assertEquals(50, o.errors(), "the rest of the total: failed, errored or another status");
        assertEquals(10.0, o.seconds(), 1e-9);
        LoadOutcome quick = LoadOutcome.parseH2load(out.replace("finished in 10.00s", "finished in 750.48ms"));
        assertEquals(0.75048, quick.seconds(), 1e-9, "milliseconds read as such");
        assertNull(LoadOutcome.parseH2load("connect: Connection refused\n"), "no summary, no outcome");
        LoadOutcome unanswered = LoadOutcome.parseH2load(out.replace("4123500 total, 4123564 started", "0 total, 1024 started")
                .replace("4123450 2xx, 0 3xx, 30 4xx", "0 2xx, 0 3xx, 0 4xx"));
        assertEquals(1024, unanswered.errors(), "streams started and never answered (a server that does not speak h2c)");
    }

    /** Two openssl s_time clients, as SuiteCommands#handshakes runs them, one of which read no answer, one failed. */
    @Test
    void sTimeConnectionsAreSummedAndEmptyOrFailedClientsAreErrors() {
        String output = "Collecting connection statistics for 10 seconds\n***\n\n"
                + "812 connections in 1.02s; 796.08 connections/user sec, bytes read 104748\n"
                + "812 connections in 11 real seconds, 129 bytes read per connection\n"
                + "Collecting connection statistics for 10 seconds\n"
                + "790 connections in 0.98s; 806.12 connections/user sec, bytes read 101910\n"
                + "790 connections in 11 real seconds, 129 bytes read per connection\n"
                + "5 connections in 0.01s; 500.00 connections/user sec, bytes read 0\n"
                + "5 connections in 11 real seconds, 0 bytes read per connection\n"
                + SuiteCommands.S_TIME_FAILED + " 1\n0m1.500s 0m0.500s\n0m9.000s 0m3.000s\n";

        LoadOutcome o = LoadOutcome.parseSTime(output);

        assertEquals(1602, o.ops(), "812 + 790 answered connections; the client that read nothing does not count");
        assertEquals(6, o.errors(), "5 connections without an answer and 1 client that failed");
        assertTrue(Double.isNaN(o.p50Micros()), "s_time measures no latency");
        assertNull(LoadOutcome.parseSTime("Unable to get connection\n" + SuiteCommands.S_TIME_FAILED + " 16\n"));
    }
}
