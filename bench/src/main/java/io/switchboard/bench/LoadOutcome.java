package io.switchboard.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an external load tool reported, parsed from its output. Immutable.
 *
 * @param ops        requests or messages completed
 * @param seconds    the tool's own measured time, or NaN when it reports none
 * @param errors     errors it counted
 * @param p50Micros  median latency, NaN when not reported
 * @param p99Micros  99th percentile, NaN when not reported
 * @param p999Micros 99.9th percentile, NaN when not reported
 */
record LoadOutcome(long ops, double seconds, long errors, double p50Micros, double p99Micros, double p999Micros) {
    private static final Pattern H2LOAD_FINISHED = Pattern.compile("finished in ([0-9.]+)(s|ms),");
    private static final Pattern H2LOAD_REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, \\d+ done, \\d+ succeeded, \\d+ failed, \\d+ errored, \\d+ timeout");
    private static final Pattern H2LOAD_STATUSES = Pattern.compile("status codes: (\\d+) 2xx,");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=([0-9.eE+-]+)");
    private static final Pattern REDIS = Pattern.compile("^\\s*(\\w+): ([0-9.]+) requests per second(?:, p50=([0-9.]+) msec)?");
    private static final Pattern S_TIME = Pattern.compile(
            "(?m)^(\\d+) connections in (\\d+) real seconds, (\\d+) bytes read per connection");
    private static final Pattern S_TIME_FAILED = Pattern.compile(
            "(?m)^" + Pattern.quote(SuiteCommands.S_TIME_FAILED) + " (\\d+)");
    private static final Pattern ECHO_LATENCY = Pattern.compile("round trip µs: p50 ([0-9.]+)\\s+p99 ([0-9.]+)\\s+p99.9 ([0-9.]+)");

    /** Parses the {@code result:} line of bench/wrk/bench.lua or of the {@code load} command; null if not one. */
    static LoadOutcome parseResultLine(String line) {
        if (!line.startsWith("result: ")) {
            return null;
        }
        Map<String, String> f = fields(line);
        if (!f.containsKey("requests") || !f.containsKey("seconds") || !f.containsKey("errors")) {
            return null;
        }
        return new LoadOutcome(Long.parseLong(f.get("requests")), Double.parseDouble(f.get("seconds")),
                Long.parseLong(f.get("errors")), num(f, "p50_us"), num(f, "p99_us"), num(f, "p999_us"));
    }

    /**
     * Parses h2load's summary: {@code finished in 10.00s, 123.45 req/s, …} and {@code requests: N total, N started,
     * N done, S succeeded, F failed, E errored, T timeout}, and {@code status codes: A 2xx, B 3xx, C 4xx, D 5xx}. Ops are
     * the requests answered with a 2xx; errors all the others of the total (failed, timed out, or another status), and
     * every stream started when none was answered.
     * h2load prints no percentiles. Null without both lines.
     */
    static LoadOutcome parseH2load(String output) {
        Matcher finished = H2LOAD_FINISHED.matcher(output);
        Matcher requests = H2LOAD_REQUESTS.matcher(output);
        Matcher statuses = H2LOAD_STATUSES.matcher(output);
        if (!finished.find() || !requests.find() || !statuses.find()) {
            return null;
        }
        double seconds = Double.parseDouble(finished.group(1)) * (finished.group(2).equals("ms") ? 1e-3 : 1);
        long ok = Long.parseLong(statuses.group(1));
        long total = Long.parseLong(requests.group(1));
        // With -D, streams still in flight when the time is up are started and not in the total: not errors. But a
        // run that got no answer at all (a server that does not speak h2c) counts every stream it started.
        long errors = ok == 0 ? Math.max(total, Long.parseLong(requests.group(2))) : total - ok;
        return new LoadOutcome(ok, seconds, errors, Double.NaN, Double.NaN, Double.NaN);
    }

    /** Parses echo-load's output: its result line and its round-trip line; null without a result line. */
    static LoadOutcome parseEchoLoad(String output) {
        EchoLoadResult result = output.lines().map(EchoLoadResult::parse).filter(r -> r != null).findFirst().orElse(null);
        if (result == null) {
            return null;
        }
        Matcher m = ECHO_LATENCY.matcher(output);
        boolean lat = m.find();
        return new LoadOutcome(result.messages(), result.seconds(), result.errors(),
                lat ? Double.parseDouble(m.group(1)) : Double.NaN, lat ? Double.parseDouble(m.group(2)) : Double.NaN,
                lat ? Double.parseDouble(m.group(3)) : Double.NaN);
    }

    /**
     * Parses the output of {@link SuiteCommands#handshakes}: one summary line per {@code openssl s_time} client
     * ({@code N connections in T real seconds, B bytes read per connection}) and the count of clients that failed.
     * Ops are the connections of the clients that read an answer; errors are the clients that failed plus the
     * connections of a client that read no byte. Null without any summary line.
     */
    static LoadOutcome parseSTime(String output) {
        Matcher m = S_TIME.matcher(output);
        long connections = 0;
        long errors = 0;
        int clients = 0;
        while (m.find()) {
            clients++;
            long n = Long.parseLong(m.group(1));
            if (Long.parseLong(m.group(3)) > 0) {
                connections += n;
            } else {
                errors += Math.max(1, n);
            }
        }
        if (clients == 0) {
            return null;
        }
        Matcher failed = S_TIME_FAILED.matcher(output);
        if (failed.find()) {
            errors += Long.parseLong(failed.group(1));
        }
        return new LoadOutcome(connections, Double.NaN, errors, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Parses ApacheBench's report: complete and failed requests, non-2xx responses, time taken, and the
     * percentile table (whole milliseconds). Null when it has no "Complete requests" line.
     */
    static LoadOutcome parseAb(String output) {
        long complete = -1;
        long failed = 0;
        long non2xx = 0;
        double seconds = Double.NaN;
        Map<Double, Double> pct = new HashMap<>();
        for (String line : output.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Complete requests:")) {
                complete = Long.parseLong(t.substring(t.indexOf(':') + 1).trim());
            } else if (t.startsWith("Failed requests:")) {
                failed = Long.parseLong(t.substring(t.indexOf(':') + 1).trim());
            } else if (t.startsWith("Non-2xx responses:")) {
                non2xx = Long.parseLong(t.substring(t.indexOf(':') + 1).trim());
            } else if (t.startsWith("Time taken for tests:")) {
                seconds = Double.parseDouble(t.substring(t.indexOf(':') + 1).trim().split("\\s+")[0]);
            } else if (t.matches("\\d+(\\.\\d+)?%\\s+\\d+.*")) {
                String[] parts = t.split("\\s+");
                pct.put(Double.parseDouble(parts[0].replace("%", "")), Double.parseDouble(parts[1]) * 1000);
            }
        }
        if (complete < 0) {
            return null;
        }
        return new LoadOutcome(complete, seconds, failed + non2xx, pct.getOrDefault(50.0, Double.NaN),
                pct.getOrDefault(99.0, Double.NaN), Double.NaN);
    }

    /**
     * Parses the line of test {@code test} ({@code SET}, {@code GET}) of {@code redis-benchmark -q}
     * ("SET: 123.4 requests per second, p50=0.9 msec"), which ran {@code requests} requests; the time is measured
     * by the caller. Null when that test printed no line.
     */
    static LoadOutcome parseRedisBenchmark(String output, String test, long requests) {
        Matcher m = redisLine(output, test);
        if (m == null) {
            return null;
        }
        double p50 = m.group(3) == null ? Double.NaN : Double.parseDouble(m.group(3)) * 1000;
        return new LoadOutcome(requests, Double.NaN, 0, p50, Double.NaN, Double.NaN);
    }

    /** The rate of test {@code test} in {@code redis-benchmark -q}'s output (requests per second), 0 when absent. */
    static double redisRate(String output, String test) {
        Matcher m = redisLine(output, test);
        return m == null ? 0 : Double.parseDouble(m.group(2));
    }

    /** The match of the last line of test {@code test}, or null. */
    private static Matcher redisLine(String output, String test) {
        Matcher found = null;
        for (String line : output.split("[\r\n]")) {
            Matcher m = REDIS.matcher(line);
            if (m.find() && m.group(1).equals(test)) {
                found = m;
            }
        }
        return found;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        return f;
    }

    private static double num(Map<String, String> f, String key) {
        String v = f.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }
}
