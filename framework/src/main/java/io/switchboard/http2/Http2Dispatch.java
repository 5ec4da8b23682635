package io.switchboard.http2;

import io.switchboard.http.BodyPolicy;
import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpService;
import io.switchboard.http.HttpVersion;
import io.switchboard.internal.BodyDecoder;
import io.switchboard.internal.BodyFeed;
import io.switchboard.internal.HttpAccess;
import io.switchboard.internal.StreamTally;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the streams of an {@link Http2Connection}: makes each stream's request from its checked fields,
 * decides by the handler's {@link BodyPolicy} how its body is taken, receives the body and hands the request to the
 * service's handler; refuses it with the service's own answers (413, 431, 503). The connection keeps the frames,
 * the stream states and the errors; this keeps what a stream means to HTTP. Loop thread only; one per connection.
 *
 * <p>A whole body is received up to the handler's limit (its {@link BodyPolicy}'s, {@link HttpConfig#maxBody()} when it
 * sets none: the same limit as over HTTP/1.1), and answered 413
 * past it; its bytes count against the connection's memory budget (503 when it is spent). A streamed body
 * ({@code BodyPolicy.stream}) goes to the handler from the head on, through an {@link Http2Upload} whose backpressure
 * is the stream's window. A policy that decodes has {@code gzip} and {@code deflate} bodies inflated within its limit
 * (415 for another coding). A request with {@code expect: 100-continue} gets a {@code 100} head at once when the
 * handler wants the body ({@link io.switchboard.http.HttpHandler#wantsBody}) and its declared length is within the
 * limit (413 when it is not); when the handler does not want it, the request goes to the handler at once and the body
 * is dropped as it comes, as over HTTP/1.1. Each request is counted in the service's {@code HttpMetrics} and
 * recorded as a JFR event when its answer has been handed to the connection, or counted as dropped when its stream
 * closes first.
 */
final class Http2Dispatch {
    private static final Logger log = LoggerFactory.getLogger(Http2Dispatch.class);

    private final Http2Connection connection;
    private final HttpService service;
    private final HttpConfig http;
    private final HandlerContext ctx;
    private final Http2Sender sender;
    private final Http2Receiver receiver;
    private final StreamTally tally;

    Http2Dispatch(Http2Connection connection, HttpService service, HandlerContext ctx, Http2Sender sender,
            Http2Receiver receiver) {
        this.connection = connection;
        this.service = service;
        this.http = service.config();
        this.ctx = ctx;
        this.sender = sender;
        this.receiver = receiver;
        this.tally = HttpAccess.get().tally(service, ctx);
    }

    /**
     * A new stream {@code s} opened with the checked request {@code fields}: makes its request and dispatches it, or
     * waits for its body.
     *
     * @param tooLarge  the header list was over the limit: 431
     * @param endStream the HEADERS ended the stream: a request without a body
     */
    void opened(Http2Stream s, RequestFields fields, boolean tooLarge, boolean endStream) {
        HttpRequest request = HttpAccess.get().request(fields.method, fields.path, HttpVersion.HTTP_2, fields.headers,
                ctx.connection());
        s.request = request;
        s.head = fields.method.equals("HEAD");
        s.declaredLength = fields.contentLength;
        s.exchange = new Http2Exchange(connection, s, request, ctx.loop());
        s.started = ctx.loop().nanoTime();
        s.event = tally.started();
        if (tooLarge || fields.tooMany) {
            s.state = endStream ? Http2Stream.State.HALF_CLOSED_REMOTE : Http2Stream.State.OPEN;
            refuse(s, new HttpException(431, "header list over the limit"));
            return;
        }
        if (endStream) {
            s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
            if (s.declaredLength > 0) {
                connection.resetStream(s.id, Http2Error.PROTOCOL_ERROR, "content-length without DATA");
                return;
            }
            dispatch(s, null);
            return;
        }
        BodyPolicy policy = service.handler().bodyPolicy(request);
        s.bodyLimit = policy.streamed() ? policy.maxBytes(http) : Math.min(policy.maxBytes(http), BodyPolicy.MAX_WHOLE);
        if (s.declaredLength > s.bodyLimit) {
            refuse(s, new HttpException(413, "declared body of " + s.declaredLength + " bytes over the limit of "
                    + s.bodyLimit));
            return;
        }
        BodyDecoder decoder = null;
        if (policy.decodes()) {
            try {
                decoder = HttpAccess.get().decoder(request, s.bodyLimit, ctx.loop(), ctx.connection().budget());
            } catch (HttpException e) {
                refuse(s, e); // 415, before the body is sent
                return;
            }
        }
        if (request.headers().containsToken("expect", "100-continue")) {
            if (!service.handler().wantsBody(request)) {
                // Refused before the body was sent (a 404, say): answered now, the body dropped as it comes.
                if (decoder != null) {
                    decoder.release();
                }
                dispatch(s, null);
                return;
            }
            sender.informational(s.id, 100); // the client may send its body (RFC 9110 section 10.1.1)
        }
        if (policy.streamed()) {
            BodyFeed feed = HttpAccess.get().streamedBody(request, s.exchange, ctx.connection().budget(),
                    decoder == null ? s.declaredLength : -1, () -> s.upload.read());
            s.upload = new Http2Upload(s, this, receiver, feed, decoder, ctx.connection().config().highWatermark());
            s.dispatched = true;
            handle(s);
        } else {
            s.decoder = decoder;
        }
    }

    /**
     * Stream 1 of an {@code Upgrade: h2c}, half-closed (remote), with the request read whole over HTTP/1.1: its body
     * is held against the memory budget until the stream lets go of it (already in memory: counted, not refused), and
     * the request goes to the handler. The request is counted in the metrics once, by the HTTP/1 side, as its 101.
     */
    void upgraded(Http2Stream s, HttpRequest request, byte[] body, HttpHeaders trailers) {
        s.request = request;
        s.head = request.method().equals("HEAD");
        s.exchange = new Http2Exchange(connection, s, request, ctx.loop());
        s.tallied = true; // counted once, by the HTTP/1 side, as its 101
        receiver.adopt(s, body);
        dispatch(s, trailers);
    }

    /**
     * DATA of {@code s}, within its window and its declared length: kept for the body, or dropped once the stream
     * was answered.
     *
     * @param size the frame's flow-controlled size, padding included
     */
    void data(Http2Stream s, ByteBuffer data, int size, boolean endStream) {
        if (s.upload != null) {
            s.upload.data(data, size, endStream);
            return;
        }
        if (s.dispatched) {
            // Answered before its body came (a refusal): the rest is dropped.
            receiver.consumed(size);
        } else if (s.received > s.bodyLimit) {
            receiver.consumed(size);
            refuse(s, new HttpException(413, "body over the limit of " + s.bodyLimit + " bytes"));
            return;
        } else if (s.decoder != null) {
            receiver.consumed(size);
            if (!inflate(s, data)) {
                return;
            }
        } else if (data.hasRemaining() && !receiver.hold(s, data)) {
            receiver.consumed(size);
            refuse(s, new HttpException(503, "the server has no memory left for request bodies; try again later"));
            return;
        } else {
            receiver.consumed(size);
        }
        if (endStream) {
            s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
            if (!s.dispatched) {
                dispatch(s, null);
            }
        } else if (!s.dispatched) {
            receiver.streamConsumed(s, size);
        }
    }

    /** The client ended {@code s} with {@code trailers}. */
    void ended(Http2Stream s, HttpHeaders trailers) {
        if (s.upload != null) {
            s.upload.end(trailers);
            return;
        }
        s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        if (!s.dispatched) {
            dispatch(s, trailers);
        }
    }

    /**
     * The connection let go of {@code s} (answered, reset, or the connection closed): a request not answered is
     * counted as dropped; a streamed body not read to its end fails ({@link Http2Upload#closed()}).
     */
    void closed(Http2Stream s) {
        if (s.request != null && !s.tallied) {
            s.tallied = true;
            tally.dropped();
        }
        if (s.upload != null) {
            s.upload.closed();
        }
        releaseDecoder(s);
    }

    /** The whole answer of {@code s} was handed to the connection: counted, and recorded while a recording runs. */
    void answered(Http2Stream s) {
        if (s.request != null && !s.tallied) {
            s.tallied = true;
            tally.answered(s.event, ctx.loop().nanoTime() - s.started, s.request, s.status, s.responseBytes);
            s.event = null;
        }
    }

    /** Inflates a whole body's DATA into it. {@return false when the request was refused (400, 413, 503)} */
    private boolean inflate(Http2Stream s, ByteBuffer data) {
        try {
            s.decoder.feed(data);
            for (ByteBuffer piece = s.decoder.next(); piece != null; piece = s.decoder.next()) {
                if (!receiver.hold(s, piece)) {
                    throw new HttpException(503, "the server has no memory left for request bodies; try again later");
                }
            }
            return true;
        } catch (HttpException e) {
            refuse(s, e);
            return false;
        }
    }

    private void releaseDecoder(Http2Stream s) {
        if (s.decoder != null) {
            s.decoder.release();
            s.decoder = null;
        }
    }

    private void dispatch(Http2Stream s, HttpHeaders trailers) {
        if (s.decoder != null) {
            try {
                s.decoder.finish(); // a compressed body cut short is a 400
            } catch (HttpException e) {
                refuse(s, e);
                return;
            } finally {
                releaseDecoder(s);
            }
        }
        s.dispatched = true;
        HttpAccess.get().body(s.request, s.takeBody(), trailers);
        handle(s);
    }

    private void handle(Http2Stream s) {
        try {
            service.handler().handle(s.request, s.exchange);
        } catch (Throwable t) {
            s.exchange.fail(t);
        }
    }

    /** The server answers the stream itself (413, 415, 431, 503 ...). */
    void refuse(Http2Stream s, HttpException e) {
        log.debug("{}: refusing {} with {}: {}", ctx.connection(), s, e.status(), e.getMessage());
        s.dispatched = true;
        receiver.release(s);
        releaseDecoder(s);
        if (s.exchange.claimByServer()) {
            sender.answer(s.exchange, connection.errorAnswer(s.request, e), null, -1);
        }
    }
}
