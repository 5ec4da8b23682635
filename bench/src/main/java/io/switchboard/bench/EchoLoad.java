package io.switchboard.bench;

import io.switchboard.server.Client;
import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketClient;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The echo load generator, built on Switchboard's {@link Client}: opens the connections (over TLS when the
 * configuration has {@link LoadTls}: the framework's TLS stage, the JDK's {@code SSLEngine}; or as WebSockets with the
 * framework's {@link WebSocketClient}, {@code ws-load}, each message a text message), keeps one verified
 * message in flight on each, prints a progress line every second, then the result of the measured window
 * (messages, MiB/s, errors, and round-trip percentiles from an HdrHistogram).
 *
 * <p>Output: progress lines; {@code # measure start} and {@code # measure end} at the edges of the measured
 * window (the side-by-side runner samples the server's CPU time there); then a {@code result:} line
 * ({@link EchoLoadResult#resultLine()}) and a summary. Not thread-safe: one run per instance.
 */
final class EchoLoad {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(EchoLoad.class);
    static final String MEASURE_START = "# measure start";
    static final String MEASURE_END = "# measure end";
    /** Starts the line that tells, over TLS, the protocol and cipher suite of the first handshake. */
    static final String NEGOTIATED = "echo-load: negotiated";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final EchoLoadConfig config;
    /** The WebSocket URI of {@code ws-load}, or null for TCP echo. */
    private final URI webSocket;
    private final PrintStream out;
    private final EchoStats stats = new EchoStats();
    private final CountDownLatch allClosed;
    private final AtomicLong seeds = new AtomicLong(System.nanoTime());
    private final NegotiatedTls negotiated = new NegotiatedTls();
    private volatile boolean stopping;

    EchoLoad(EchoLoadConfig config, PrintStream out) {
        this(config, null, out);
    }

    /**
     * A WebSocket echo load ({@code ws-load}) when {@code webSocket} is not null: {@link WsEchoHandler} on each
     * WebSocket, text messages of {@code config.size()} ASCII characters.
     */
    EchoLoad(EchoLoadConfig config, URI webSocket, PrintStream out) {
        this.config = config;
        this.webSocket = webSocket;
        this.out = out;
        this.allClosed = new CountDownLatch(config.connections());
    }

    /** Runs the load to its end (or until every connection is lost) and returns what it measured. */
    EchoLoadResult run() throws InterruptedException {
        out.printf(Locale.ROOT, "echo-load: %d connections to %s%s, %d-byte messages, warmup %.1f s, measuring %.1f s%n",
                config.connections(), webSocket != null ? webSocket + " (WebSockets, text)" : config.host() + ":" + config.port(),
                config.tls() == null ? "" : " (" + config.tls().describe() + ")", config.size(),
                config.warmup().toNanos() / 1e9, config.duration().toNanos() / 1e9);
        out.flush();
        if (webSocket != null) {
            Client client = Client.builder().workers(config.loops()).connectTimeout(CONNECT_TIMEOUT).build();
            try {
                return connected(openWebSockets(client)) && firstAnswer() ? drive()
                        : new EchoLoadResult(0, 0, 0, Math.max(1, stats.errors()), stats.firstError());
            } finally {
                stopping = true;
                client.close();
            }
        }
        Client.Builder builder = Client.builder()
                .workers(config.loops())
                .pipeline(p -> {
                    if (config.tls() != null) {
                        p.add(negotiated);
                    }
                    p.add(new EchoLoadHandler(config.size(), seeds.getAndIncrement(), stats, () -> stopping,
                            allClosed::countDown));
                });
        if (config.tls() != null) {
            builder.tls(config.tls().context());
        }
        Client client = builder.build();
        try {
            if (!connectAll(client) || !firstAnswer()) {
                return new EchoLoadResult(0, 0, 0, Math.max(1, stats.errors()), stats.firstError());
            }
            if (config.tls() != null) {
                out.println(NEGOTIATED + " " + negotiated.describe());
            }
            return drive();
        } finally {
            stopping = true;
            client.close();
        }
    }

    private boolean connectAll(Client client) throws InterruptedException {
        return connected(ConnectAll.open(client, config.host(), config.port(), config.connections(), CONNECT_TIMEOUT));
    }

    /** Opens the WebSockets, all at once; returns null when every handshake succeeded, otherwise why not. */
    private String openWebSockets(Client client) throws InterruptedException {
        WebSocketClient websockets = WebSocketClient.builder(client).handshakeTimeout(CONNECT_TIMEOUT).build();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>(config.connections());
        for (int i = 0; i < config.connections(); i++) {
            pending.add(websockets.connect(webSocket, new WsEchoHandler(config.size(), seeds.getAndIncrement(), stats,
                    () -> stopping, allClosed::countDown)));
        }
        return ConnectAll.await(pending, CONNECT_TIMEOUT);
    }

    /** Records a failure to connect; returns true when there was none. */
    private boolean connected(String failure) {
        if (failure != null) {
            stats.error(failure);
            out.println("echo-load: " + failure);
        }
        return failure == null;
    }

    private boolean firstAnswer() {
        String failure = ConnectAll.awaitFirstAnswer(() -> stats.snapshot().messages() + stats.errors(), CONNECT_TIMEOUT);
        if (failure != null) {
            stats.error(failure);
            out.println("echo-load: " + failure);
        }
        return failure == null;
    }

    private EchoLoadResult drive() throws InterruptedException {
        EchoStats.Snapshot begin = stats.snapshot();
        long warmupEnd = begin.nanos() + config.warmup().toNanos();
        long end = warmupEnd + config.duration().toNanos();
        EchoStats.Snapshot windowStart = null;
        if (config.warmup().isZero()) {
            windowStart = begin;
            stats.roundTripsSinceLastCall();
            mark(MEASURE_START);
        }
        EchoStats.Snapshot last = begin;
        long nextTick = begin.nanos() + SECOND;
        while (true) {
            long edge = windowStart == null ? warmupEnd : end;
            long wait = Math.min(nextTick, edge) - System.nanoTime();
            boolean lost = wait > 0 && allClosed.await(wait, TimeUnit.NANOSECONDS) || allClosed.getCount() == 0;
            long now = System.nanoTime();
            if (windowStart == null && (now >= warmupEnd || lost)) {
                windowStart = stats.snapshot();
                stats.roundTripsSinceLastCall();
                mark(MEASURE_START);
            }
            if (windowStart != null && (now >= end || lost)) {
                EchoStats.Snapshot windowEnd = stats.snapshot();
                Histogram roundTrips = stats.roundTripsSinceLastCall();
                mark(MEASURE_END);
                if (lost) {
                    out.println("echo-load: every connection was lost");
                }
                return report(windowStart, windowEnd, roundTrips);
            }
            if (now >= nextTick) {
                EchoStats.Snapshot current = stats.snapshot();
                progress(current, last, (current.nanos() - begin.nanos()) / 1e9, last.nanos() < warmupEnd);
                last = current;
                nextTick += SECOND;
            }
        }
    }

    private void progress(EchoStats.Snapshot now, EchoStats.Snapshot before, double elapsed, boolean warmup) {
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        long messages = now.messages() - before.messages();
        long bytes = now.bytes() - before.bytes();
        out.printf(Locale.ROOT, "%-7s %4.0f s  %,12.0f msgs/s  %9.2f MiB/s  errors %d%n",
                warmup ? "warmup" : "measure", elapsed,
                messages / seconds, bytes / seconds / (1024.0 * 1024.0), stats.errors());
        out.flush();
    }

    private void mark(String marker) {
        mark(out, marker);
    }

    /** Prints a window's edge ({@link #MEASURE_START}, {@link #MEASURE_END}) at once: the runner samples CPU there. */
    static void mark(PrintStream out, String marker) {
        out.println(marker);
        out.flush();
    }

    private EchoLoadResult report(EchoStats.Snapshot start, EchoStats.Snapshot end, Histogram roundTrips) {
        EchoLoadResult result = new EchoLoadResult(end.messages() - start.messages(), end.bytes() - start.bytes(),
                (end.nanos() - start.nanos()) / 1e9, stats.errors(), stats.firstError());
        out.println(result.resultLine());
        out.printf(Locale.ROOT, "%,.0f msgs/s  %.2f MiB/s  errors %d  (%,d messages in %.2f s)%n",
                result.messagesPerSecond(), result.mibPerSecond(), result.errors(), result.messages(), result.seconds());
        if (roundTrips.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "round trip µs: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                    roundTrips.getValueAtPercentile(50) / 1e3, roundTrips.getValueAtPercentile(99) / 1e3,
                    roundTrips.getValueAtPercentile(99.9) / 1e3, roundTrips.getMaxValue() / 1e3);
        }
        if (result.firstError() != null) {
            out.println("first error: " + result.firstError());
        }
        out.flush();
        log.debug("load run finished: {}", result);
        return result;
    }
}
