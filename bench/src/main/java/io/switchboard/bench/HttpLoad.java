package io.switchboard.bench;

import io.switchboard.http2.Http2Server;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.server.Client;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP load generator, built on Switchboard's {@link Client} with one client loop: HTTP/1.1 keep-alive
 * connections, each running an {@link HttpLoadHandler} (closed loop, or constant rate with latency from the
 * due time), or HTTP/2 connections ({@code --h2}) with {@code --streams} requests in flight on each
 * ({@link H2Load}, closed loop). Prints a progress line each second, {@code # measure start} / {@code # measure end} at the edges
 * of the measured window, a {@code result:} line, then throughput, errors, latency percentiles and how busy
 * its own loop thread was, with a warning when that thread, not the server, may have set the pace.
 * Not thread-safe: one run per instance.
 */
final class HttpLoad {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(HttpLoad.class);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final HttpLoadConfig config;
    private final PrintStream out;
    private final HttpLoadStats stats = new HttpLoadStats();
    private final CountDownLatch allClosed;
    private volatile boolean stopping;

    HttpLoad(HttpLoadConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
        this.allClosed = new CountDownLatch(config.connections());
    }

    /** The request every connection sends, encoded once. */
    static byte[] encodeRequest(HttpLoadConfig config) {
        StringBuilder head = new StringBuilder()
                .append(config.method()).append(' ').append(config.path()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(config.host()).append(':').append(config.port()).append("\r\n");
        byte[] body = new byte[0];
        if (config.method().equals("POST")) {
            body = new byte[config.bodyBytes()];
            new SplittableRandom(1).nextBytes(body);
            head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Runs the load to its end (or until every connection is lost) and returns what it measured. */
    HttpLoadResult run() throws InterruptedException {
        out.printf(Locale.ROOT, "load: %d connections to %s://%s:%d%s, %s, %s, %s, warmup %.1f s, measuring %.1f s%n",
                config.connections(), config.scheme(), config.host(), config.port(), config.path(),
                config.method() + (config.bodyBytes() > 0 ? " " + config.bodyBytes() + " B" : ""),
                config.h2() ? "HTTP/2, " + config.h2Streams() + " streams" : "pipeline " + config.pipeline(),
                config.constantRate() ? String.format(Locale.ROOT, "constant rate %.0f req/s", config.rate()) : "closed loop",
                config.warmup().toNanos() / 1e9, config.duration().toNanos() / 1e9);
        out.flush();
        if (config.h2()) {
            return runH2();
        }
        byte[] request = encodeRequest(config);
        byte[] requests = HttpLoadHandler.repeat(request, config.pipeline());
        long interval = config.constantRate() ? Math.max(1, Math.round(config.connections() * 1e9 / config.rate())) : 0;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        int[] index = {0};
        Client.Builder builder = Client.builder()
                .workers(1) // one writer for the stats: see HttpLoadStats
                .pipeline(p -> p.add(new HttpLoadHandler(requests, request.length, config.pipeline(),
                        start + index[0]++ * interval / config.connections(), interval, stats,
                        () -> stopping, allClosed::countDown)));
        if (config.tls() != null) {
            builder.tls(config.tls().context()); // the framework's TLS stage before the handler
        }
        Client client = builder.build();
        try {
            if (!connectAll(client) || !firstAnswer()) {
                return failed();
            }
            return drive(new LoopBusy(client.loops().loops().stream().map(SelectorLoop::thread).toList()));
        } finally {
            stopping = true;
            client.close();
        }
    }

    /** The HTTP/2 run: the same window, counters and report, with {@link H2Load}'s connections. */
    private HttpLoadResult runH2() throws InterruptedException {
        Client.Builder builder = Client.builder().workers(1); // one writer for the stats: see HttpLoadStats
        if (config.tls() != null) {
            builder.tls(config.tls().context(Http2Server.ALPN));
        }
        Client client = builder.build();
        try {
            String failure = H2Load.open(config, client, stats, () -> stopping, allClosed, CONNECT_TIMEOUT);
            if (failure != null) {
                stats.connectionError(failure);
                out.println("load: " + stats.firstError());
            }
            if (failure != null || !firstAnswer()) {
                return failed();
            }
            return drive(new LoopBusy(client.loops().loops().stream().map(SelectorLoop::thread).toList()));
        } finally {
            stopping = true;
            client.close();
        }
    }

    private HttpLoadResult failed() {
        HttpLoadStats.Snapshot s = stats.snapshot();
        return new HttpLoadResult(0, 0, Math.max(1, s.errors()), s.non2xx(), s.parseErrors(),
                Math.max(1, s.connectionErrors()), new Histogram(3), stats.firstError(), -1);
    }

    private boolean connectAll(Client client) throws InterruptedException {
        String failure = ConnectAll.open(client, config.host(), config.port(), config.connections(), CONNECT_TIMEOUT);
        if (failure != null) {
            stats.connectionError(failure);
            out.println("load: " + stats.firstError());
        }
        return failure == null;
    }

    private boolean firstAnswer() {
        String failure = ConnectAll.awaitFirstAnswer(() -> {
            HttpLoadStats.Snapshot s = stats.snapshot();
            return s.responses() + s.errors();
        }, CONNECT_TIMEOUT);
        if (failure != null) {
            stats.connectionError(failure);
            out.println("load: " + failure);
        }
        return failure == null;
    }

    private HttpLoadResult drive(LoopBusy loopBusy) throws InterruptedException {
        HttpLoadStats.Snapshot begin = stats.snapshot();
        long warmupEnd = begin.nanos() + config.warmup().toNanos();
        long end = warmupEnd + config.duration().toNanos();
        HttpLoadStats.Snapshot windowStart = null;
        long[] cpuAtStart = null;
        if (config.warmup().isZero()) {
            windowStart = begin;
            cpuAtStart = loopBusy.cpuNanos();
            stats.latenciesSinceLastCall();
            mark(EchoLoad.MEASURE_START);
        }
        HttpLoadStats.Snapshot last = begin;
        long nextTick = begin.nanos() + SECOND;
        while (true) {
            long edge = windowStart == null ? warmupEnd : end;
            long wait = Math.min(nextTick, edge) - System.nanoTime();
            boolean lost = wait > 0 && allClosed.await(wait, TimeUnit.NANOSECONDS) || allClosed.getCount() == 0;
            long now = System.nanoTime();
            if (windowStart == null && (now >= warmupEnd || lost)) {
                windowStart = stats.snapshot();
                cpuAtStart = loopBusy.cpuNanos();
                stats.latenciesSinceLastCall();
                mark(EchoLoad.MEASURE_START);
            }
            if (windowStart != null && (now >= end || lost)) {
                HttpLoadStats.Snapshot windowEnd = stats.snapshot();
                long[] cpuAtEnd = loopBusy.cpuNanos();
                Histogram latencies = stats.latenciesSinceLastCall();
                mark(EchoLoad.MEASURE_END);
                if (lost) {
                    out.println("load: every connection was lost");
                }
                return report(windowStart, windowEnd, latencies,
                        LoopBusy.share(cpuAtStart, cpuAtEnd, windowEnd.nanos() - windowStart.nanos()));
            }
            if (now >= nextTick) {
                HttpLoadStats.Snapshot current = stats.snapshot();
                double seconds = (current.nanos() - last.nanos()) / 1e9;
                out.printf(Locale.ROOT, "%-7s %4.0f s  %,12.0f req/s  errors %d%n",
                        last.nanos() < warmupEnd ? "warmup" : "measure", (current.nanos() - begin.nanos()) / 1e9,
                        (current.responses() - last.responses()) / seconds, current.errors());
                out.flush();
                last = current;
                nextTick += SECOND;
            }
        }
    }

    private void mark(String marker) {
        out.println(marker);
        out.flush();
    }

    private HttpLoadResult report(HttpLoadStats.Snapshot start, HttpLoadStats.Snapshot end, Histogram latencies,
                                  double loopBusy) {
        HttpLoadResult result = new HttpLoadResult(end.responses() - start.responses(), (end.nanos() - start.nanos()) / 1e9,
                end.errors(), end.non2xx(), end.parseErrors(), end.connectionErrors(), latencies, stats.firstError(),
                loopBusy);
        result.printTo(out, config.constantRate() ? " (from the intended send time)" : "");
        out.flush();
        log.debug("load run finished: {}", result);
        return result;
    }
}
