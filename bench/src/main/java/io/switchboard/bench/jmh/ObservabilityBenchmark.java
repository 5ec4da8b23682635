package io.switchboard.bench.jmh;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpMetrics;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the HTTP metrics and a JFR recording cost the HTTP stage itself, without sockets: 16 pipelined
 * {@code GET /plaintext} in one read (as {@link HttpPipelineBenchmark}), with the service's metrics off
 * ({@code new HttpService(config, routes, null)}) or on, and with no recording or a running one (the JDK's
 * {@code default} settings, under which a request event is begun for each request but kept only from its 10 ms
 * threshold; the same without that event; or the same with every request recorded).
 * Scores are per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(ObservabilityBenchmark.REQUESTS)
public class ObservabilityBenchmark {
    static final int REQUESTS = 16;
    private static final String REQUEST = "GET /plaintext HTTP/1.1\r\nHost: server.example:8080\r\n"
            + "User-Agent: bench\r\nAccept: text/plain\r\n\r\n";

    /** Whether the service counts its requests. */
    @Param({"off", "on"})
    public String metrics;

    /**
     * Whether a JFR recording runs: {@code off}; {@code jdk}, the {@code default} settings with Switchboard's request
     * event disabled (what the JDK's own events cost); {@code on}, the {@code default} settings (the request event's
     * own threshold: none of these requests kept); {@code all}, the same with the threshold at 0 (every request
     * recorded).
     */
    @Param({"off", "jdk", "on", "all"})
    public String recording;

    private byte[] input;
    private EmbeddedConnection connection;
    private HandlerContext entry;
    private Recording jfr;

    /** Builds the service, starts the recording if asked, and checks the 16 answers. */
    @Setup
    public void setup() throws IOException, ParseException {
        if (!recording.equals("off")) {
            jfr = new Recording(Configuration.getConfiguration("default"));
            jfr.setMaxAge(Duration.ofMinutes(1));
            if (recording.equals("jdk")) {
                jfr.disable("io.switchboard.HttpRequest");
            } else if (recording.equals("all")) {
                jfr.enable("io.switchboard.HttpRequest").withoutThreshold();
            }
            jfr.start();
        }
        input = REQUEST.repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);
        HttpResponse plaintext = HttpResponse.of(200).header("Content-Type", "text/plain").body("Hello, World!");
        Routes routes = Routes.builder().get("/plaintext", (req, res) -> res.send(plaintext)).build();
        HttpService service = new HttpService(HttpConfig.DEFAULTS, routes, metrics.equals("on") ? new HttpMetrics() : null);
        Handler first = new Handler() { };
        connection = new EmbeddedConnection(p -> {
            p.add(first);
            service.accept(p);
        });
        entry = connection.pipeline().context(first);
        entry.fireRead(ByteBuffer.wrap(input));
        entry.fireReadComplete();
        connection.runPending();
        String written = new String(connection.takeWritten(), StandardCharsets.US_ASCII);
        int answers = written.split("HTTP/1.1 200 OK\r\n", -1).length - 1;
        if (answers != REQUESTS) {
            throw new IllegalStateException("answered " + answers + " of " + REQUESTS + ": " + written);
        }
        if (service.metrics() != null && service.metrics().requests() != REQUESTS) {
            throw new IllegalStateException("counted " + service.metrics().requests() + " of " + REQUESTS);
        }
    }

    /** Stops the recording and closes the connection. */
    @TearDown
    public void tearDown() {
        connection.connection().close();
        if (jfr != null) {
            jfr.close();
        }
    }

    /** 16 pipelined requests parsed, dispatched, answered, counted (or not) and encoded; the bytes drained. */
    @Benchmark
    public void pipelined(Blackhole bh) {
        entry.fireRead(ByteBuffer.wrap(input));
        entry.fireReadComplete();
        connection.runPending();
        bh.consume(connection.discardWritten());
    }
}
