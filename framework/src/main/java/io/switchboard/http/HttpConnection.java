package io.switchboard.http;

import io.switchboard.internal.BufferPool;
import io.switchboard.internal.Cumulation;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.x server side of one connection: reads requests with the {@link RequestParser}, keeps the
 * requests in flight in arrival order, and writes each answer when every earlier one has been written,
 * however the answers were completed. Decides keep-alive, 100-continue and when to stop reading.
 * Loop thread only; one per connection.
 */
final class HttpConnection implements Handler {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);
    private static final byte[] NO_BODY = new byte[0];

    /** Whether more requests are read from this connection. */
    private enum ReadState {
        /** Reading requests. */
        READING,
        /** As many requests in flight as allowed: reading resumes when answers leave. */
        PAUSED,
        /** No more requests: after {@code Connection: close}, a refused request, or the peer's FIN. */
        DONE
    }

    private final HttpService service;
    private final HttpConfig config;
    private final RequestParser parser;
    private final Cumulation cumulation = new Cumulation();
    private final InFlight inFlight = new InFlight();
    private HandlerContext ctx;
    private ReadState state = ReadState.READING;
    private boolean parsing;
    private boolean closed;
    private Exchange reading;
    private byte[] body;
    private int bodyLength;
    /** Body bytes of requests received and not yet answered: bounded like their number. */
    private long heldBodyBytes;

    // Timeouts: one loop timer, re-armed lazily, against deadlines derived from these moments.
    private Scheduled timer;
    private long timerDeadline;
    private long openedAt;
    private long headStartedAt;
    private long bodyProgressAt;
    private long lastAnswerAt;
    private boolean answeredAny;

    HttpConnection(HttpService service) {
        this.service = service;
        this.config = service.config();
        this.parser = new RequestParser(config);
    }

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        this.openedAt = ctx.loop().nanoTime();
        armTimer();
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        if (state == ReadState.DONE) {
            return;
        }
        if (reading == null && parser.atRequestStart() && cumulation.isEmpty()) {
            headStartedAt = ctx.loop().nanoTime();
        }
        ByteBuffer in = cumulation.with((ByteBuffer) message);
        parse(in);
        if (state == ReadState.DONE) {
            cumulation.take();
        } else {
            cumulation.done(in);
        }
        armTimer();
    }

    @Override
    public void readComplete(HandlerContext ctx) {
        parser.endOfBatch();
        ctx.fireReadComplete();
    }

    @Override
    public void inputClosed(HandlerContext ctx) {
        state = ReadState.DONE;
        cumulation.take();
        if (reading != null) {
            inFlight.remove(reading);
            reading = null;
        }
        if (inFlight.isEmpty()) {
            finish();
        } else {
            inFlight.newest().closeAfter = true;
            drain();
        }
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (cause instanceof HttpException) {
            refuse((HttpException) cause);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void closed(HandlerContext ctx) {
        closed = true;
        if (timer != null) {
            timer.cancel();
        }
        inFlight.killAll();
        ctx.fireClosed();
    }

    // Reading

    private void parse(ByteBuffer in) {
        parsing = true;
        try {
            while (state == ReadState.READING) {
                if (reading == null && parser.atRequestStart() && full()) {
                    state = ReadState.PAUSED;
                    ctx.connection().suspendRead();
                    break;
                }
                RequestParser.Event event = parser.parse(in);
                if (event == RequestParser.Event.NEED_MORE) {
                    break;
                }
                switch (event) {
                    case HEAD -> onHead();
                    case BODY -> appendBody(parser.body());
                    case END -> onEnd();
                    default -> throw new IllegalStateException(event.toString());
                }
            }
        } catch (HttpException e) {
            refuse(e);
        } finally {
            parsing = false;
        }
    }

    private void onHead() {
        HttpRequest request = new HttpRequest(parser.method(), parser.target(), parser.version(), parser.headers(),
                parser.keepAlive(), ctx.connection().remoteAddress());
        Exchange x = new Exchange(this, ctx.loop(), request);
        inFlight.add(x);
        reading = x;
        long length = parser.contentLength();
        if (length > Integer.MAX_VALUE - 8) {
            throw new HttpException(413, "body too large");
        }
        body = length > 0 ? new byte[(int) length] : null;
        bodyLength = 0;
        bodyProgressAt = ctx.loop().nanoTime();
        if (parser.expectContinue()) {
            if (service.handler().wantsBody(request)) {
                x.continuePending = true;
                drain();
            } else {
                // Refused before the body was sent: answer now and read nothing more.
                reading = null;
                x.closeAfter = true;
                stopReading();
                dispatch(x);
            }
        }
    }

    private void appendBody(ByteBuffer slice) {
        int n = slice.remaining();
        if (body == null) {
            body = new byte[Math.max(256, n)];
        } else if (body.length - bodyLength < n) {
            body = Arrays.copyOf(body, Math.max(bodyLength + n, Math.min(body.length * 2, (int) Math.min(config.maxBody(), Integer.MAX_VALUE - 8))));
        }
        slice.get(body, bodyLength, n);
        bodyLength += n;
        bodyProgressAt = ctx.loop().nanoTime();
    }

    private void onEnd() {
        Exchange x = reading;
        reading = null;
        byte[] bytes = body == null ? NO_BODY : bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        body = null;
        x.request.body(bytes, parser.trailers());
        heldBodyBytes += bytes.length;
        parser.forgetMessage();
        if (x.closeAfter) {
            stopReading();
        }
        dispatch(x);
    }

    private void dispatch(Exchange x) {
        try {
            service.handler().handle(x.request, x);
        } catch (Throwable t) {
            x.fail(t);
        }
    }

    private void stopReading() {
        state = ReadState.DONE;
        ctx.connection().suspendRead();
    }

    /** Answers a request the parser or the server refused, after the answers before it, then closes. */
    private void refuse(HttpException e) {
        log.debug("refusing request from {}: {} {}", ctx.connection().remoteAddress(), e.status(), e.getMessage());
        stopReading();
        cumulation.take();
        Exchange x = reading != null ? reading : new Exchange(this, ctx.loop(), null);
        reading = null;
        if (!inFlight.contains(x)) {
            inFlight.add(x);
        }
        x.closeAfter = true;
        if (x.claimByServer()) {
            x.response = service.errorResponse(e.status(), e.getMessage());
        }
        drain();
    }

    // Answers, from the exchange (always on the loop)

    /** {@return whether the connection takes more output now} Thread-safe. */
    boolean isWritable() {
        HandlerContext c = ctx;
        return c != null && c.connection().isWritable();
    }

    void answered(Exchange x, HttpResponse response) {
        if (x.dead) {
            return;
        }
        x.response = response;
        drain();
    }

    void streamStarted(Exchange x, HttpResponse head) {
        if (x.dead) {
            return;
        }
        x.streamHead = head;
        drain();
    }

    void streamPart(Exchange x, Object part) {
        if (x.dead || x.streamEnded) {
            return;
        }
        x.addPart(part);
        if (inFlight.oldest() == x) {
            drain();
        } else if (x.streamQueued > ctx.connection().config().maxQueued()) {
            log.warn("{}: a streamed answer queued {} bytes behind earlier answers, over the limit of {}; resetting",
                    ctx.connection(), x.streamQueued, ctx.connection().config().maxQueued());
            ctx.connection().abort();
        }
    }

    /** A handler threw or failed its responder: an {@link HttpException} is answered with its status, anything else with 500. */
    void handlerFailed(Exchange x, Throwable error) {
        if (error instanceof HttpException) {
            HttpException refusal = (HttpException) error;
            log.debug("handler refused {} from {}: {}", x.request, ctx.connection().remoteAddress(), refusal.getMessage());
            answered(x, service.errorResponse(refusal.status(), refusal.getMessage()));
            return;
        }
        log.warn("handler failed on {} from {}; answering 500", x.request, ctx.connection().remoteAddress(), error);
        answered(x, service.errorResponse(500, "the handler failed"));
    }

    void handlerFailedAfterAnswer(Exchange x, Throwable error) {
        log.warn("handler failed on {} from {} after answering", x.request, ctx.connection().remoteAddress(), error);
        if (x.streamHead != null && !x.streamEnded && !x.dead) {
            // A streamed body cut short: only closing tells the client it is incomplete.
            ctx.connection().abort();
        }
    }

    // Writing, in request order

    private void drain() {
        while (!closed && !inFlight.isEmpty() && writeHead(inFlight.oldest())) {
            Exchange x = inFlight.removeOldest();
            if (x.request != null) {
                heldBodyBytes -= x.request.body().length;
            }
            answeredAny = true;
            lastAnswerAt = ctx.loop().nanoTime();
            if (x.closeAfter) {
                finish();
                return;
            }
        }
        if (state == ReadState.PAUSED && !full()) {
            resume();
        }
        if (!parsing) {
            armTimer();
        }
    }

    /** Writes what the oldest exchange has ready; returns true when its answer is complete. */
    private boolean writeHead(Exchange x) {
        if (x.response != null) {
            writeResponse(x, x.response);
            return true;
        }
        if (x.streamHead != null) {
            return writeStream(x);
        }
        if (x.continuePending) {
            x.continuePending = false;
            ctx.write(ByteBuffer.wrap(ResponseEncoder.CONTINUE));
        }
        return false;
    }

    /**
     * True when no more requests may be read for now: {@code maxInFlight} requests are waiting for their
     * answers, or their bodies add up to {@code maxBody} (so a connection holds at most about two bodies'
     * worth: the one being read and those waiting).
     */
    private boolean full() {
        return inFlight.size() >= config.maxInFlight() || heldBodyBytes >= config.maxBody();
    }

    private void resume() {
        state = ReadState.READING;
        ctx.connection().resumeRead();
        if (!parsing) {
            ByteBuffer kept = cumulation.kept();
            if (kept != null) {
                parse(kept);
                if (state == ReadState.DONE) {
                    cumulation.take();
                } else {
                    cumulation.done(kept);
                }
            }
        }
    }

    // Timeouts

    /** What the connection waits for, and so which timeout applies. */
    private enum Wait { NOTHING, FIRST_REQUEST, NEXT_REQUEST, HEADERS, BODY }

    private Wait waitingFor() {
        if (closed || state != ReadState.READING) {
            return Wait.NOTHING;
        }
        if (reading != null) {
            return Wait.BODY;
        }
        if (!parser.atRequestStart() || !cumulation.isEmpty()) {
            return Wait.HEADERS;
        }
        if (!inFlight.isEmpty()) {
            return Wait.NOTHING;
        }
        return answeredAny ? Wait.NEXT_REQUEST : Wait.FIRST_REQUEST;
    }

    private long deadline(Wait wait) {
        return switch (wait) {
            case FIRST_REQUEST -> openedAt + config.requestHeaderTimeout().toNanos();
            case NEXT_REQUEST -> lastAnswerAt + config.keepAliveTimeout().toNanos();
            case HEADERS -> headStartedAt + config.requestHeaderTimeout().toNanos();
            case BODY -> bodyProgressAt + config.bodyTimeout().toNanos();
            case NOTHING -> Long.MAX_VALUE;
        };
    }

    /** Makes sure the timer fires no later than the current deadline; a later deadline is found when it fires. */
    private void armTimer() {
        Wait wait = waitingFor();
        if (wait == Wait.NOTHING) {
            return;
        }
        long deadline = deadline(wait);
        if (timer != null && timerDeadline - deadline <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerDeadline = deadline;
        timer = ctx.loop().schedule(this::timerFired, deadline - ctx.loop().nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void timerFired() {
        timer = null;
        Wait wait = waitingFor();
        if (wait == Wait.NOTHING) {
            return;
        }
        if (deadline(wait) - ctx.loop().nanoTime() > 0) {
            armTimer();
            return;
        }
        switch (wait) {
            case FIRST_REQUEST, NEXT_REQUEST -> {
                log.debug("closing idle connection {} ({})", ctx.connection().remoteAddress(), wait);
                finish();
            }
            case HEADERS -> refuse(new HttpException(408, "the request header did not arrive in time"));
            case BODY -> refuse(new HttpException(408, "the request body stopped arriving"));
            default -> throw new IllegalStateException(wait.toString());
        }
    }

    private void finish() {
        state = ReadState.DONE;
        inFlight.killAll();
        ctx.connection().close();
    }

    private void writeResponse(Exchange x, HttpResponse response) {
        byte[] own = ResponseEncoder.ownHead(response);
        if (response.headers().containsToken("Connection", "close")) {
            x.closeAfter = true;
        }
        byte[] body = x.head || !ResponseEncoder.hasBody(response.status()) ? NO_BODY : response.body();
        write(x, own, body);
    }

    /** Writes what the stream has; returns true once it has ended. */
    private boolean writeStream(Exchange x) {
        boolean chunked = x.request == null || x.request.version() == HttpVersion.HTTP_1_1;
        if (!x.streamStarted) {
            x.streamStarted = true;
            if (!chunked) {
                x.closeAfter = true;
            }
            write(x, ResponseEncoder.streamHead(x.streamHead,
                    chunked ? ResponseEncoder.Framing.CHUNKED : ResponseEncoder.Framing.UNTIL_CLOSE), NO_BODY);
        }
        Object part;
        while ((part = x.pollPart()) != null) {
            if (Exchange.isEnd(part)) {
                x.streamEnded = true;
                if (chunked && !x.head) {
                    ctx.write(ResponseEncoder.lastChunk(x.trailers));
                }
                return true;
            }
            if (!x.head) {
                byte[] bytes = (byte[]) part;
                if (chunked) {
                    ctx.write(ResponseEncoder.chunkHeader(bytes.length));
                    ctx.write(bytes);
                    ctx.write(ByteBuffer.wrap(ResponseEncoder.CRLF));
                } else {
                    ctx.write(bytes);
                }
            }
        }
        return false;
    }

    private void write(Exchange x, byte[] own, byte[] body) {
        byte[] connection = x.closeAfter ? ResponseEncoder.CONNECTION_CLOSE
                : x.request != null && x.request.version() == HttpVersion.HTTP_1_0 ? ResponseEncoder.CONNECTION_KEEP_ALIVE : null;
        byte[] date = service.dateLine();
        byte[] server = service.serverLine();
        int headSize = ResponseEncoder.headSize(own, date, server);
        BufferPool pool = BufferPool.of(ctx.loop());
        boolean together = headSize + body.length <= pool.chunkSize();
        ByteBuffer out = headSize <= pool.chunkSize() ? pool.acquire(together ? headSize + body.length : headSize)
                : ByteBuffer.allocate(headSize);
        try {
            ResponseEncoder.head(out, own, date, server, connection);
            if (together) {
                out.put(body);
            }
            ctx.write(out.flip());
            if (!together && body.length > 0) {
                ctx.write(ByteBuffer.wrap(body));
            }
        } finally {
            pool.release(out);
        }
    }
}
