package io.switchboard.bench;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One scenario of the side-by-side suite ({@code compare}): the traffic, the tool that makes it, and the
 * servers it runs against. Immutable.
 *
 * @param key         the name on the command line and in the CSV
 * @param kind        which load tool and how it is driven
 * @param tls         true when the servers serve TLS (with the run's test certificate) and the load speaks it
 * @param servers     the servers measured, in order
 * @param description one line for the report
 */
record SuiteScenario(String key, Kind kind, boolean tls, List<String> servers, String description) {
    static final String SWITCHBOARD = ComparisonReport.SWITCHBOARD;
    static final String NETTY = ComparisonReport.NETTY;
    static final String FLOOR = "floor";
    static final String REDIS = "redis";
    /** The http example with {@code --no-metrics}: the framework counts nothing. */
    static final String SB_NO_METRICS = "sb-no-metrics";
    /** The http example with {@code --metrics}: counts kept and bound to Micrometer's Prometheus registry. */
    static final String SB_METRICS = "sb-metrics";
    /** The http example with its defaults under a JFR recording ({@code -XX:StartFlightRecording}, default settings). */
    static final String SB_JFR = "sb-jfr";
    /** How many {@code openssl s_time} clients make handshakes at once in tls-handshake. */
    static final int HANDSHAKE_CLIENTS = 16;

    /**
     * How the load is made. {@code IDLE} and {@code IDLE_NO_PRETOUCH} both hold idle connections open; the first
     * runs the servers with {@code -XX:+AlwaysPreTouch} (the whole heap resident from the start), the second
     * without it (heap pages count in the resident set once first touched).
     */
    enum Kind { WRK_PLAIN, WRK_PIPELINE, WRK_POST, HANDSHAKE, ECHO_128, ECHO_16K, IDLE, IDLE_NO_PRETOUCH, CHURN, KV,
        UDP_ECHO_64 }

    /** Every scenario, in the order they run. */
    static final List<SuiteScenario> ALL = List.of(
            new SuiteScenario("http-plain", Kind.WRK_PLAIN, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "GET /plaintext, wrk -t1 -c64, no pipelining"),
            new SuiteScenario("https-plain", Kind.WRK_PLAIN, true, List.of(SWITCHBOARD, NETTY),
                    "GET /plaintext over TLS, wrk -t1 -c64 https://, no pipelining"),
            new SuiteScenario("http-pipe16", Kind.WRK_PIPELINE, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "GET /plaintext, wrk -t1 -c64, 16 requests pipelined per connection (bench/wrk/bench.lua)"),
            new SuiteScenario("https-pipe16", Kind.WRK_PIPELINE, true, List.of(SWITCHBOARD, NETTY),
                    "GET /plaintext over TLS, wrk -t1 -c64 https://, 16 requests pipelined per connection"
                            + " (bench/wrk/bench.lua)"),
            new SuiteScenario("http-echo-4k", Kind.WRK_POST, false, List.of(SWITCHBOARD, NETTY),
                    "POST /echo with 4 KiB bodies, wrk -t1 -c64 (bench/wrk/bench.lua)"),
            new SuiteScenario("echo-128", Kind.ECHO_128, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "TCP echo, 128-byte messages, 64 connections, one in flight each (echo-load)"),
            new SuiteScenario("echo-16k", Kind.ECHO_16K, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "TCP echo, 16 KiB messages, 16 connections, one in flight each (echo-load)"),
            new SuiteScenario("tls-echo-16k", Kind.ECHO_16K, true, List.of(SWITCHBOARD, NETTY),
                    "echo over TLS, 16 KiB messages, 16 connections, one in flight each"
                            + " (echo-load --tls --tls-ca: the framework's TLS client); CPU per message = 16,384 × CPU per byte"),
            new SuiteScenario("idle-10k", Kind.IDLE, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "10,000 idle HTTP keep-alive connections after one request each; server -Xms1g -Xmx1g -XX:+AlwaysPreTouch"),
            new SuiteScenario("idle-10k-nopretouch", Kind.IDLE_NO_PRETOUCH, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "the same 10,000 idle connections; server -Xms1g -Xmx1g without AlwaysPreTouch"),
            new SuiteScenario("churn", Kind.CHURN, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "a new HTTP/1.0 connection per request: ab -c 16, no keep-alive"),
            new SuiteScenario("tls-handshake", Kind.HANDSHAKE, true, List.of(SWITCHBOARD, NETTY),
                    "a new TLS 1.3 connection per request: " + HANDSHAKE_CLIENTS + " openssl s_time -new -tls1_3 -www /plaintext"
                            + " at once, each a full handshake (no session resumed), one HTTP/1.0 GET and the server's close;"
                            + " one op = one handshake"),
            new SuiteScenario("kv", Kind.KV, false, List.of(SWITCHBOARD, REDIS),
                    "Redis protocol: redis-benchmark -P 16 -q (50 clients), one window of -t set, then one of -t get"
                            + " (no -r: every request goes to the key key:__rand_int__, which the SETs wrote)"),
            new SuiteScenario("udp-echo-64", Kind.UDP_ECHO_64, false, List.of(SWITCHBOARD, NETTY),
                    "UDP echo, 64-byte datagrams, 64 connected sockets, one in flight each (udp-load)"),
            new SuiteScenario("http-plain-observe", Kind.WRK_PLAIN, false, List.of(SB_NO_METRICS, SB_METRICS, SWITCHBOARD, SB_JFR),
                    "GET /plaintext as http-plain, against the http example four ways: --no-metrics, --metrics,"
                            + " its defaults, and its defaults under a JFR recording (what metrics and a recording cost)"));

    private static final Map<String, SuiteScenario> BY_KEY =
            ALL.stream().collect(Collectors.toMap(SuiteScenario::key, Function.identity()));

    /** The scenario called {@code key}; throws for an unknown one. */
    static SuiteScenario byKey(String key) {
        SuiteScenario s = BY_KEY.get(key);
        if (s == null) {
            throw new IllegalArgumentException("unknown scenario " + key + "; known: "
                    + ALL.stream().map(SuiteScenario::key).collect(Collectors.joining(",")));
        }
        return s;
    }

    /**
     * {@return the commands measured each in a window of its own, in order, or an empty list when the scenario
     * measures one kind of request} kv: SET, then GET, so that the GETs find the key the SETs wrote.
     */
    List<String> commands() {
        return kind == Kind.KV ? List.of("SET", "GET") : List.of();
    }

    /** The unit counted: requests for HTTP and kv, messages for echo, connections for idle, handshakes. */
    String unit() {
        return switch (kind) {
            case ECHO_128, ECHO_16K, UDP_ECHO_64 -> "msg";
            case IDLE, IDLE_NO_PRETOUCH -> "conn";
            case HANDSHAKE -> "handshake";
            default -> "req";
        };
    }

    /** {@return true for the scenarios that measure memory held by idle connections, not CPU} */
    boolean idle() {
        return kind == Kind.IDLE || kind == Kind.IDLE_NO_PRETOUCH;
    }

    /** {@return true for the echo scenarios (over TCP, TLS or UDP)} */
    boolean echo() {
        return kind == Kind.ECHO_128 || kind == Kind.ECHO_16K || udp();
    }

    /** {@return true when the servers are the http example run several ways, compared with one another} */
    boolean variants() {
        return servers.stream().allMatch(s -> s.equals(SWITCHBOARD) || s.startsWith("sb-"));
    }

    /** {@return true for the UDP echo scenario} */
    boolean udp() {
        return kind == Kind.UDP_ECHO_64;
    }
}
