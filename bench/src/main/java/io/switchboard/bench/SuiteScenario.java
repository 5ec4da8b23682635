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
    static final String NGINX = "nginx";
    /** The file static-1m serves, under {@code /static/}: 1 MiB of random bytes. */
    static final String STATIC_FILE = "file-1m.bin";
    /** The length of {@link #STATIC_FILE}. */
    static final int STATIC_FILE_BYTES = 1024 * 1024;
    /** Keep-alive connections of static-1m, each with one request in flight. */
    static final int STATIC_CONNECTIONS = 16;
    /** The http example with {@code --no-metrics}: the framework counts nothing. */
    static final String SB_NO_METRICS = "sb-no-metrics";
    /** The http example with {@code --metrics}: counts kept and bound to Micrometer's Prometheus registry. */
    static final String SB_METRICS = "sb-metrics";
    /** The http example with its defaults under a JFR recording ({@code -XX:StartFlightRecording}, default settings). */
    static final String SB_JFR = "sb-jfr";
    /** Connections of h2-plain, each with {@link #H2_STREAMS} streams in flight. */
    static final int H2_CONNECTIONS = 64;
    /** Streams in flight on each connection of h2-plain ({@code h2load -m}). */
    static final int H2_STREAMS = 16;
    /** The Rapid Reset attacker's connections in h2-rapid-reset, each replaced as soon as the server closes it. */
    static final int RAPID_RESET_CONNECTIONS = 16;
    /** Connections of the legitimate h2load of h2-rapid-reset, each with {@link #LEGIT_STREAMS} streams in flight. */
    static final int LEGIT_CONNECTIONS = 4;
    /** Streams in flight on each connection of the legitimate h2load of h2-rapid-reset. */
    static final int LEGIT_STREAMS = 10;
    /** How many {@code openssl s_time} clients make handshakes at once in tls-handshake. */
    static final int HANDSHAKE_CLIENTS = 16;

    /**
     * How the load is made. {@code IDLE} and {@code IDLE_NO_PRETOUCH} both hold idle connections open; the first
     * runs the servers with {@code -XX:+AlwaysPreTouch} (the whole heap resident from the start), the second
     * without it (heap pages count in the resident set once first touched).
     */
    enum Kind { WRK_PLAIN, WRK_PIPELINE, WRK_POST, WRK_GZIP, HANDSHAKE, ECHO_128, ECHO_16K, IDLE, IDLE_NO_PRETOUCH, CHURN,
        KV, UDP_ECHO_64, WS_ECHO_128, WS_BROADCAST, WS_IDLE, WS_IDLE_DEFLATE, WRK_STATIC, H2LOAD,
        RAPID_RESET }

    /** The deflate level both servers compress at in http-gzip-64k: zlib's default, and both servers' default. */
    static final int GZIP_LEVEL = 6;

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
            new SuiteScenario("http-gzip-64k", Kind.WRK_GZIP, false, List.of(SWITCHBOARD, NETTY),
                    "GET /json64k (65,536 bytes of JSON records) with Accept-Encoding: gzip, wrk -t1 -c64; gzip at level "
                            + GZIP_LEVEL + " on both (Switchboard's CompressionOptions, Netty's HttpContentCompressor),"
                            + " sent with its compressed Content-Length by both"),
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
            new SuiteScenario("ws-echo-128", Kind.WS_ECHO_128, false, List.of(SWITCHBOARD, NETTY, FLOOR),
                    "WebSocket echo of 128-character text messages, 64 connections, one in flight each (ws-load: the"
                            + " framework's WebSocketClient, no compression offered); Switchboard: the http example's /ws/echo;"
                            + " Netty: WebSocketServerProtocolHandler (netty-ws); floor: floor-ws (one NIO thread, frames"
                            + " echoed unmasked in place, no UTF-8 check)"),
            new SuiteScenario("ws-broadcast-10k", Kind.WS_BROADCAST, false, List.of(SWITCHBOARD, NETTY),
                    "10,000 WebSockets on /ws/broadcast; once a second one 128-byte binary message, sent on the first"
                            + " connection, is broadcast by the server to all 10,000 (ws-broadcast-load); p50/p99 are the"
                            + " time from the send to the last receipt over the rounds, on the load's clock; CPU per op is"
                            + " per message delivered. Bench-only servers on both sides: ConnectionGroup + WebSocketFrame"
                            + " (ws-broadcast), ChannelGroup.writeAndFlush (netty-ws)"),
            new SuiteScenario("ws-idle-10k", Kind.WS_IDLE, false, List.of(SWITCHBOARD, NETTY),
                    "10,000 idle WebSockets on /ws/echo, each after one 1 KiB text echoed (ws-idle-clients), no"
                            + " compression; server -Xms1g -Xmx1g -XX:+AlwaysPreTouch"),
            new SuiteScenario("ws-idle-10k-deflate", Kind.WS_IDLE_DEFLATE, false, List.of(SWITCHBOARD, NETTY),
                    "the same with permessage-deflate offered and agreed (context takeover both ways, each side"
                            + " compressed and inflated the one message); server -Xms1g -Xmx1g -XX:+AlwaysPreTouch"),
            new SuiteScenario("static-1m", Kind.WRK_STATIC, false, List.of(SWITCHBOARD, NETTY, NGINX),
                    "GET /static/" + STATIC_FILE + ", a 1 MiB file, wrk -t1 -c" + STATIC_CONNECTIONS
                            + " (keep-alive, one request in flight per connection): Switchboard's StaticFiles (the http example's"
                            + " --static), Netty's DefaultFileRegion (netty-static), and nginx with sendfile on, the physical anchor;"
                            + " CPU per byte = CPU per request / 1,048,576"),
            new SuiteScenario("h2-plain", Kind.H2LOAD, false, List.of(SWITCHBOARD, NETTY),
                    "GET /plaintext over HTTP/2 cleartext with prior knowledge, h2load -t1 -c" + H2_CONNECTIONS + " -m"
                            + H2_STREAMS + " (" + H2_STREAMS + " streams in flight per connection); Switchboard: the http"
                            + " example on its HTTP/1 port; Netty: Http2FrameCodec with one handler per connection (netty-h2)"),
            new SuiteScenario("h2-rapid-reset", Kind.RAPID_RESET, false, List.of(SWITCHBOARD, NETTY),
                    "Rapid Reset (CVE-2023-44487) over h2c: rapid-reset-load on " + RAPID_RESET_CONNECTIONS
                            + " connections writes HEADERS (GET /plaintext, END_STREAM) then RST_STREAM CANCEL, over and"
                            + " over, and replaces each connection the server closes; one op = one reset the server took"
                            + " (up to its GOAWAY's last stream). Then h2load -c" + LEGIT_CONNECTIONS + " -m" + LEGIT_STREAMS
                            + " on /plaintext alone and during the attack. Switchboard: the http example's defaults"
                            + " (200 resets per 10 s); Netty: netty-h2, Http2FrameCodecBuilder's defaults (200 per 30 s)"),
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
            case ECHO_128, ECHO_16K, UDP_ECHO_64, WS_ECHO_128, WS_BROADCAST -> "msg";
            case IDLE, IDLE_NO_PRETOUCH, WS_IDLE, WS_IDLE_DEFLATE -> "conn";
            case HANDSHAKE -> "handshake";
            case RAPID_RESET -> "reset";
            default -> "req";
        };
    }

    /** {@return true for the scenarios that measure memory held by idle connections, not CPU} */
    boolean idle() {
        return kind == Kind.IDLE || kind == Kind.IDLE_NO_PRETOUCH || kind == Kind.WS_IDLE || kind == Kind.WS_IDLE_DEFLATE;
    }

    /** {@return true for the echo scenarios (over TCP, TLS, UDP or WebSocket), which run in rounds} */
    boolean echo() {
        return kind == Kind.ECHO_128 || kind == Kind.ECHO_16K || udp() || kind == Kind.WS_ECHO_128;
    }

    /** {@return true for the WebSocket scenarios} */
    boolean webSocket() {
        return kind == Kind.WS_ECHO_128 || kind == Kind.WS_BROADCAST || kind == Kind.WS_IDLE || kind == Kind.WS_IDLE_DEFLATE;
    }

    /** {@return true when the servers run with every heap page touched at start ({@link SuiteConfig#PRE_TOUCH})} */
    boolean preTouch() {
        return kind == Kind.IDLE || kind == Kind.WS_IDLE || kind == Kind.WS_IDLE_DEFLATE;
    }

    /** {@return true for the scenario that serves a static file} */
    boolean staticFile() {
        return kind == Kind.WRK_STATIC;
    }

    /** {@return true when {@code server} runs on the JVM (its heap can be read)} */
    static boolean java(String server) {
        return !server.equals(REDIS) && !server.equals(NGINX);
    }

    /** {@return true when the servers are the http example run several ways, compared with one another} */
    boolean variants() {
        return servers.stream().allMatch(s -> s.equals(SWITCHBOARD) || s.startsWith("sb-"));
    }

    /** {@return true for the HTTP/2 scenarios} */
    boolean h2() {
        return kind == Kind.H2LOAD || kind == Kind.RAPID_RESET;
    }

    /** {@return true for the UDP echo scenario} */
    boolean udp() {
        return kind == Kind.UDP_ECHO_64;
    }
}
