package io.switchboard.http;

import io.switchboard.internal.BodyCompressor;
import io.switchboard.internal.BodyDecoder;
import io.switchboard.internal.BodyFeed;
import io.switchboard.internal.HttpAccess;
import io.switchboard.internal.StreamTally;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.pipeline.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.0 and HTTP/1.1 service: give it to a server as its pipeline and every connection speaks HTTP
 * to {@code handler}, with pipelining, keep-alive and the limits of {@link HttpConfig}. Given a
 * {@link PriorKnowledge} ({@link #withPriorKnowledge}: HTTP/2's is {@code io.switchboard.http2.Http2Server}), a
 * client that opens with that protocol's preface is served it by the same handler.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *         .get("/hello", (request, responder) -> responder.send(HttpResponse.text("Hello")))
 *         .build();
 * Server server = Server.builder().port(8080).pipeline(new HttpService(routes)).start();
 * }</pre>
 *
 * <p>What the service answers on its own, beyond the limits of {@link HttpConfig}:
 * <ul>
 *   <li>{@code 503 Service Unavailable} with {@code Connection: close} when a request body would take the
 *       server's {@link io.switchboard.pipeline.MemoryBudget} past its limit. Bodies grow with the bytes
 *       that arrive, so a peer that declares a large {@code Content-Length} and sends little holds little;
 *       the budget bounds many peers that do send. Refusing (rather than pausing the read) frees the
 *       memory at once and tells the client to come back later.</li>
 *   <li>{@code 503 Service Unavailable} (the connection stays open) when the handler throws, or fails its
 *       responder with, a {@link java.util.concurrent.RejectedExecutionException}: an offload executor
 *       such as {@link io.switchboard.loop.Offload} is full or closed. Any other failure is a 500.</li>
 *   <li>On a graceful close ({@link io.switchboard.pipeline.Connection#closeGracefully()}) each connection
 *       stops reading new requests, answers those already read (the last with {@code Connection: close})
 *       and closes. A streamed body cut short, for any reason, ends with a reset rather than a clean
 *       close, so that no client takes it for complete.</li>
 * </ul>
 *
 * <p>Every answer the service or {@link Routes} makes itself (the refusals above, 404, 405, 500 ...) comes from one
 * place, the service's {@link ErrorAnswers}: plain text unless another is given.
 *
 * Thread-safe: one instance serves every connection of a server.
 */
public final class HttpService implements Consumer<Pipeline> {
    private static final Logger log = LoggerFactory.getLogger(HttpService.class);
    private static final long WARN_INTERVAL = TimeUnit.MINUTES.toNanos(1);

    static {
        HttpAccess.install(new HttpAccess.Bridge() {
            @Override
            public HttpRequest request(String method, String target, HttpVersion version, HttpHeaders headers,
                    Connection connection) {
                return new HttpRequest(method, target, version, headers, connection);
            }

            @Override
            public void body(HttpRequest request, byte[] body, HttpHeaders trailers) {
                request.body(body, trailers);
            }

            @Override
            public BodyFeed streamedBody(HttpRequest request, HttpResponder responder, MemoryBudget budget,
                    long declaredLength, Runnable onRead) {
                IncomingBody body = IncomingBody.forStream(request, responder, budget, declaredLength, onRead);
                request.streamedBody(body);
                return body;
            }

            @Override
            public BodyCompressor compressor(HttpService service, HttpRequest request, HttpResponse response,
                    long length, EventLoop loop, MemoryBudget budget) {
                CompressionOptions options = service.config().compression();
                if (options == null || !options.applies(response, length)) {
                    return null;
                }
                ContentCoding coding = AcceptEncoding.choose(request.headers());
                BodyDeflater deflater = coding == null ? null
                        : BodyDeflater.start(coding, options.level(), ZlibPool.of(loop), budget);
                return deflater == null ? null : new CodedBody(deflater);
            }

            @Override
            public boolean varies(HttpService service, HttpResponse response, long length) {
                CompressionOptions options = service.config().compression();
                return options != null && (options.applies(response, length)
                        ? ResponseEncoder.needsVary(response.headers()) : options.varies304(response));
            }

            @Override
            public StreamTally tally(HttpService service, HandlerContext ctx) {
                return new StreamRecords(service, ctx);
            }

            @Override
            public BodyDecoder decoder(HttpRequest request, long limit, EventLoop loop, MemoryBudget budget) {
                ContentCoding coding = ContentCoding.ofRequest(request.headers());
                if (coding == null) {
                    return null;
                }
                request.headers().remove("Content-Encoding").remove("Content-Length");
                return new BodyInflater(coding, limit, ZlibPool.of(loop), budget);
            }

            @Override
            public HttpResponse errorAnswer(HttpService service, HttpRequest request, HttpException refusal) {
                return service.errorAnswer(request, refusal);
            }

            @Override
            public byte[] dateLine(HttpService service) {
                return service.dateLine();
            }
        });
    }

    private final HttpConfig config;
    private final HttpHandler handler;
    private final ErrorAnswers errorAnswers;
    private final DateCache dates;
    private final byte[] serverLine;
    /** When a failing {@link ErrorAnswers} was last logged, to log it at most once a minute. */
    private final AtomicLong answersWarnedAt = new AtomicLong(System.nanoTime() - WARN_INTERVAL);
    /** Null when the service counts nothing. */
    private final HttpMetrics metrics;
    /** The protocol a client may open with instead of HTTP/1 (h2c); null for HTTP/1 only. */
    private final PriorKnowledge priorKnowledge;
    /** Its preface, read once; null for HTTP/1 only. */
    private final byte[] preface;

    /**
     * A service with the default limits.
     *
     * @param handler answers the requests
     */
    public HttpService(HttpHandler handler) {
        this(HttpConfig.DEFAULTS, handler);
    }

    /**
     * A service with the given limits.
     *
     * @param config  the limits
     * @param handler answers the requests
     */
    public HttpService(HttpConfig config, HttpHandler handler) {
        this(config, handler, ErrorAnswers.PLAIN_TEXT, new HttpMetrics());
    }

    /**
     * A service with the given limits whose own answers (refusals, 404, 405, 500 ...) come from
     * {@code errorAnswers}.
     *
     * @param config       the limits
     * @param handler      answers the requests
     * @param errorAnswers makes the answers the server makes itself; {@link ErrorAnswers#JSON} for an API
     */
    public HttpService(HttpConfig config, HttpHandler handler, ErrorAnswers errorAnswers) {
        this(config, handler, errorAnswers, new HttpMetrics());
    }

    /**
     * A service with the given limits that counts its requests in {@code metrics} (see {@link HttpMetrics}), or
     * counts nothing at all when it is null. The other constructors count, in counts of the service's own.
     *
     * @param config  the limits
     * @param handler answers the requests
     * @param metrics where to count, possibly shared with other services; null to count nothing
     */
    public HttpService(HttpConfig config, HttpHandler handler, HttpMetrics metrics) {
        this(config, handler, ErrorAnswers.PLAIN_TEXT, metrics);
    }

    /**
     * A service with the given limits, error answers and counts.
     *
     * @param config       the limits
     * @param handler      answers the requests
     * @param errorAnswers makes the answers the server makes itself; {@link ErrorAnswers#JSON} for an API
     * @param metrics      where to count, possibly shared with other services; null to count nothing
     */
    public HttpService(HttpConfig config, HttpHandler handler, ErrorAnswers errorAnswers, HttpMetrics metrics) {
        this(config, handler, errorAnswers, metrics, null);
    }

    private HttpService(HttpConfig config, HttpHandler handler, ErrorAnswers errorAnswers, HttpMetrics metrics,
            PriorKnowledge priorKnowledge) {
        this.priorKnowledge = priorKnowledge;
        this.preface = priorKnowledge == null ? null : priorKnowledge.preface().clone();
        if (preface != null && preface.length == 0) {
            throw new IllegalArgumentException("a prior-knowledge protocol needs a preface of at least one byte");
        }
        this.config = Objects.requireNonNull(config, "config");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.errorAnswers = Objects.requireNonNull(errorAnswers, "errorAnswers");
        this.metrics = metrics;
        this.dates = new DateCache(System::currentTimeMillis);
        this.serverLine = config.serverName() == null ? new byte[0]
                : ("Server: " + config.serverName() + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Adds the HTTP handler to a new connection's pipeline. */
    @Override
    public void accept(Pipeline pipeline) {
        pipeline.add(new HttpConnection(this));
    }

    /**
     * A copy of this service whose connections also speak {@code protocol} when a client opens with its preface
     * ({@code Http2Server.DEFAULTS}: HTTP/2 with prior knowledge), when TLS agrees on its ALPN name ({@code h2}), or
     * when an HTTP/1.1 request on cleartext asks for it by {@code Upgrade} ({@code h2c}; see
     * {@link PriorKnowledge#upgrade}); or HTTP/1 only with null, the default. The preface
     * cannot start an HTTP/1 request, so HTTP/1 clients see no difference; without it, a client that sends the HTTP/2
     * preface gets the refusal any malformed HTTP/1 request gets. Off by default, as in Netty, Jetty and Undertow: a
     * protocol's surface is open only where it was asked for.
     *
     * @param protocol the protocol, or null for HTTP/1 only
     * @return the copy
     */
    public HttpService withPriorKnowledge(PriorKnowledge protocol) {
        return new HttpService(config, handler, errorAnswers, metrics, protocol);
    }

    /** {@return the protocol a client may open with instead of HTTP/1, or null for HTTP/1 only} */
    public PriorKnowledge priorKnowledge() {
        return priorKnowledge;
    }

    /** {@return the preface of {@link #priorKnowledge()}, null for HTTP/1 only} Not to be modified. */
    byte[] preface() {
        return preface;
    }

    /** {@return the limits} */
    public HttpConfig config() {
        return config;
    }

    /** {@return what the service counts of its requests, or null when it counts nothing} */
    public HttpMetrics metrics() {
        return metrics;
    }

    /** {@return the application handler} */
    public HttpHandler handler() {
        return handler;
    }

    byte[] dateLine() {
        return dates.line();
    }

    byte[] serverLine() {
        return serverLine;
    }

    /** {@return what makes the answers the server makes itself} */
    public ErrorAnswers errorAnswers() {
        return errorAnswers;
    }

    /**
     * The answer to a refused or failed request, from the {@link ErrorAnswers}, with the fields {@code refusal}
     * carries.
     *
     * @param request the request, or null when the bytes never made one
     */
    HttpResponse errorAnswer(HttpRequest request, HttpException refusal) {
        return errorAnswer(request, refusal.status(), refusal.getMessage(), refusal);
    }

    /** The answer with {@code status} and {@code reason}, from the {@link ErrorAnswers}. */
    HttpResponse errorAnswer(HttpRequest request, int status, String reason) {
        return errorAnswer(request, status, reason, null);
    }

    private HttpResponse errorAnswer(HttpRequest request, int status, String reason, HttpException fields) {
        try {
            HttpResponse answer = errorAnswers.answer(blank(status, fields), request, reason);
            if (answer == null || answer.status() < 200) {
                throw new IllegalStateException("the error answers gave " + answer + " for " + status);
            }
            return answer;
        } catch (RuntimeException e) {
            long last = answersWarnedAt.get();
            long now = System.nanoTime();
            if (now - last >= WARN_INTERVAL && answersWarnedAt.compareAndSet(last, now)) {
                log.warn("the error answers failed on a {} for {}; answering in plain text (logged at most once a minute)",
                        status, request, e);
            }
            return ErrorAnswers.PLAIN_TEXT.answer(blank(status, fields), request, reason);
        }
    }

    private static HttpResponse blank(int status, HttpException fields) {
        HttpResponse answer = HttpResponse.of(status);
        if (fields != null) {
            fields.addFieldsTo(answer);
        }
        return answer;
    }
}
