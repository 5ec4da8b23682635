package io.switchboard.http;

import io.switchboard.internal.BufferPool;
import io.switchboard.internal.Cumulation;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.x server side of one connection: reads requests with the {@link RequestParser}, keeps the
 * requests in flight in arrival order, and writes each answer when every earlier one has been written,
 * however the answers were completed. Decides keep-alive, 100-continue and when to stop reading.
 *
 * <p>On {@link GracefulClose} it stops reading new requests (one partly received may finish), answers every
 * request already read, the last with {@code Connection: close}, then closes. A close that would cut a streamed
 * body short, whoever asks for it, resets the connection instead: a clean close after a partial body looks
 * complete to an HTTP/1.0 client.
 *
 * <p>A request that offers an upgrade holds the bytes after it until it is answered; a 101 (through
 * {@link HttpResponder#upgrade}) written in order replaces this stage with the new protocol's handler and
 * hands it those bytes. Loop thread only (answers from other threads come through
 * {@link Exchange}); one per connection.
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
        /**
         * A request that offers an upgrade was read: what follows it may be in another protocol, so nothing
         * more is parsed until its answer says which (a 101 switches, anything else goes on with HTTP).
         */
        HELD,
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
    /** The connection was handed to another protocol: this stage is out of the pipeline. */
    private boolean switched;
    /** A graceful close was asked for: no request is read after the one partly received, if any. */
    private boolean closing;
    private Exchange reading;
    /** Bodies being read and held for requests not yet answered; created in {@link #added}. */
    private BodyBuffer bodies;

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
        this.bodies = new BodyBuffer(ctx.connection().budget(), config.maxBody());
        this.openedAt = ctx.loop().nanoTime();
        armTimer();
    }

    @Override
    public void removed(HandlerContext ctx) {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        bodies.release();
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
        parseAndKeep(cumulation.with((ByteBuffer) message));
        if (!switched) {
            armTimer();
        }
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
            reading.kill();
            reading = null;
            bodies.drop();
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
        } else if (!(cause instanceof IOException) && streamCut()) {
            log.warn("{}: unhandled error in the middle of a streamed answer; resetting", ctx.connection(), cause);
            ctx.connection().abort();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    /** Takes {@link GracefulClose}: the answers owed are written before the connection closes. */
    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event == GracefulClose.INSTANCE) {
            closeGracefully();
        } else {
            ctx.fireUserEvent(event);
        }
    }

    /** Wakes the writers of streamed answers that wait for the connection to take bytes. */
    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) {
        if (writable) {
            inFlight.forEach(x -> {
                if (x.body != null) {
                    x.body.wake();
                }
            });
        }
        ctx.fireWritabilityChanged(writable);
    }

    /** A close asked for in the middle of a streamed body resets the connection, so the client sees the body cut. */
    @Override
    public void close(HandlerContext ctx) {
        if (streamCut()) {
            log.debug("{}: closed in the middle of a streamed answer; resetting", ctx.connection());
            ctx.connection().abort();
        } else {
            ctx.close();
        }
    }

    @Override
    public void closed(HandlerContext ctx) {
        closed = true;
        if (timer != null) {
            timer.cancel();
        }
        inFlight.killAll();
        reading = null;
        bodies.release();
        ctx.fireClosed();
    }

    // Reading

    /** Parses {@code in} (the cumulation or the borrowed read), keeps what is left, and switches protocols if due. */
    private void parseAndKeep(ByteBuffer in) {
        parse(in);
        if (state == ReadState.DONE) {
            cumulation.take();
        } else {
            cumulation.done(in);
        }
        Exchange x = inFlight.oldest();
        if (x != null && x.upgradeTo != null) {
            drain();
        }
    }

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
        if (closing) {
            // The request partly received when the graceful close came: the last one read.
            x.closeAfter = true;
        }
        inFlight.add(x);
        reading = x;
        long length = parser.contentLength();
        if (length > Integer.MAX_VALUE - 8) {
            throw new HttpException(413, "body too large");
        }
        // No memory for the body yet: it grows as its bytes arrive, whatever the head declared.
        bodies.start(length);
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
        if (!bodies.append(slice)) {
            MemoryBudget budget = ctx.connection().budget();
            if (budget.countShed()) {
                log.warn("{}: memory budget spent ({}); refusing request bodies with 503 (logged at most once a minute)",
                        ctx.connection(), budget);
            }
            throw new HttpException(503, "the server has no memory left for request bodies; try again later");
        }
        bodyProgressAt = ctx.loop().nanoTime();
    }

    private void onEnd() {
        Exchange x = reading;
        reading = null;
        x.request.body(bodies.finish(), parser.trailers());
        parser.forgetMessage();
        if (x.closeAfter) {
            stopReading();
        } else if (offersUpgrade(x.request)) {
            x.upgradable = true;
            state = ReadState.HELD;
            ctx.connection().suspendRead();
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

    /**
     * Stops reading new requests, lets a request partly received finish, answers what was read (the last
     * answer with {@code Connection: close}) and closes; closes at once when nothing is owed.
     */
    private void closeGracefully() {
        if (closed || closing) {
            return;
        }
        closing = true;
        if (state == ReadState.READING && (reading != null || !parser.atRequestStart() || !cumulation.isEmpty())) {
            // A request is partly received: it is the last one read (onHead or onEnd stops reading after it).
            if (reading != null) {
                reading.closeAfter = true;
            }
            return;
        }
        stopReading();
        cumulation.take();
        if (inFlight.isEmpty()) {
            finish();
        } else {
            inFlight.newest().closeAfter = true;
            drain();
        }
    }

    /** HTTP/1.1 with an {@code Upgrade} field named in {@code Connection} (RFC 9110 section 7.8). */
    private static boolean offersUpgrade(HttpRequest request) {
        return request.version() == HttpVersion.HTTP_1_1 && request.headers().get("Upgrade") != null
                && request.headers().containsToken("Connection", "upgrade");
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
        bodies.drop();
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

    /** {@return false once the connection's close or reset was asked for} Thread-safe. */
    boolean isOpen() {
        HandlerContext c = ctx;
        return c != null && c.connection().isOpen();
    }

    /** Resets the connection: a streamed body was cut short. Thread-safe. */
    void abort() {
        HandlerContext c = ctx;
        if (c != null) {
            c.connection().abort();
        }
    }

    /**
     * The body for a streamed answer to {@code x}: writers from other threads wait while its chunks not yet
     * handed to the connection reach the connection's high watermark. Thread-safe.
     */
    StreamedBody newBody(Exchange x) {
        return new StreamedBody(x, this, ctx.connection().config().highWatermark(), config.sendTimeout().toNanos());
    }

    void answered(Exchange x, HttpResponse response) {
        assert ctx.loop().inLoop();
        if (x.dead) {
            return;
        }
        x.response = response;
        drain();
    }

    void upgraded(Exchange x, HttpResponse response, Handler protocol) {
        assert ctx.loop().inLoop();
        if (x.dead) {
            return;
        }
        x.response = response;
        x.upgradeTo = protocol;
        drain();
    }

    void streamStarted(Exchange x, HttpResponse head, StreamedBody body) {
        assert ctx.loop().inLoop();
        if (x.dead) {
            body.close();
            return;
        }
        x.streamHead = head;
        x.body = body;
        drain();
    }

    /** The stream of {@code x} has chunks (or its end) for the connection. */
    void streamReady(Exchange x) {
        assert ctx.loop().inLoop();
        StreamedBody body = x.body;
        if (x.dead || body == null || x.streamEnded) {
            return;
        }
        body.draining();
        if (inFlight.oldest() == x) {
            drain();
        } else if (body.pendingBytes() > ctx.connection().config().maxQueued()) {
            // Only writes on the loop get here: writers on other threads wait for room.
            log.warn("{}: a streamed answer queued {} bytes behind earlier answers, over the limit of {}; resetting",
                    ctx.connection(), body.pendingBytes(), ctx.connection().config().maxQueued());
            ctx.connection().abort();
        }
    }

    /**
     * A handler threw or failed its responder: an {@link HttpException} is answered with its status, a
     * {@link RejectedExecutionException} (an offload executor that is full or closed) with 503, anything
     * else with 500.
     */
    void handlerFailed(Exchange x, Throwable error) {
        assert ctx.loop().inLoop();
        if (error instanceof HttpException) {
            HttpException refusal = (HttpException) error;
            log.debug("handler refused {} from {}: {}", x.request, ctx.connection().remoteAddress(), refusal.getMessage());
            answered(x, service.errorResponse(refusal.status(), refusal.getMessage()));
            return;
        }
        if (error instanceof RejectedExecutionException) {
            log.debug("no room to run the handler of {} from {}: {}", x.request, ctx.connection().remoteAddress(),
                    error.getMessage());
            answered(x, service.errorResponse(503, "the server is busy; try again later"));
            return;
        }
        log.warn("handler failed on {} from {}; answering 500", x.request, ctx.connection().remoteAddress(), error);
        answered(x, service.errorResponse(500, "the handler failed"));
    }

    void handlerFailedAfterAnswer(Exchange x, Throwable error) {
        assert ctx.loop().inLoop();
        log.warn("handler failed on {} from {} after answering", x.request, ctx.connection().remoteAddress(), error);
        if (x.streamHead != null && !x.streamEnded && !x.dead) {
            // A streamed body cut short: only a reset tells the client it is incomplete.
            ctx.connection().abort();
        }
    }

    // Writing, in request order

    private void drain() {
        while (!closed && !inFlight.isEmpty()) {
            Exchange oldest = inFlight.oldest();
            if (oldest.upgradeTo != null) {
                switchProtocol(oldest);
                if (switched || oldest.upgradeTo != null) {
                    return; // handed over, or waiting for the parse under way to keep the bytes after the request
                }
            }
            if (!writeHead(oldest)) {
                break;
            }
            Exchange x = inFlight.removeOldest();
            if (x.request != null && x.request.body().length > 0) {
                bodies.answered(x.request.body().length);
            }
            answeredAny = true;
            lastAnswerAt = ctx.loop().nanoTime();
            if (x.closeAfter) {
                finish();
                return;
            }
        }
        if (state == ReadState.PAUSED && !full() || state == ReadState.HELD && inFlight.isEmpty()) {
            // HELD: the request that offered an upgrade got a plain answer; HTTP goes on.
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
        return inFlight.size() >= config.maxInFlight() || bodies.held() >= config.maxBody();
    }

    private void resume() {
        state = ReadState.READING;
        ctx.connection().resumeRead();
        if (!parsing) {
            ByteBuffer kept = cumulation.kept();
            if (kept != null) {
                parseAndKeep(kept);
            }
        }
    }

    /**
     * Writes the 101 of {@code x}, the oldest exchange, and hands the connection to its new protocol with the
     * bytes read after the request. Waits while a parse is running (the bytes after the request are not all
     * kept yet; {@link #parseAndKeep} comes back here). Refuses with 503 when the connection is closing.
     */
    private void switchProtocol(Exchange x) {
        if (parsing) {
            return;
        }
        if (closing || state != ReadState.HELD) {
            log.debug("{}: upgrade refused: the connection is closing", ctx.connection());
            x.upgradeTo = null;
            x.closeAfter = true;
            x.response = service.errorResponse(503, "the connection is closing");
            return;
        }
        inFlight.removeOldest();
        write(x, ResponseEncoder.ownHead(x.response), NO_BODY);
        switched = true;
        state = ReadState.DONE;
        ByteBuffer unread = cumulation.take();
        ctx.connection().resumeRead();
        ctx.pipeline().replace(this, x.upgradeTo, unread);
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
        boolean cut = streamCut();
        inFlight.killAll();
        if (cut) {
            ctx.connection().abort();
        } else {
            ctx.connection().close();
        }
    }

    /** {@return true while a streamed body has started to leave and not ended: closing now would cut it} */
    private boolean streamCut() {
        Exchange x = inFlight.oldest();
        return x != null && x.streamStarted && !x.streamEnded && !x.head;
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
            x.body.flowing();
        }
        StreamedBody body = x.body;
        byte[] bytes;
        while ((bytes = body.poll()) != null) {
            if (!x.head) {
                if (chunked) {
                    ctx.write(ResponseEncoder.chunkHeader(bytes.length));
                    ctx.write(bytes);
                    ctx.write(ByteBuffer.wrap(ResponseEncoder.CRLF));
                } else {
                    ctx.write(bytes);
                }
            }
        }
        if (!body.finished()) {
            return false;
        }
        x.streamEnded = true;
        if (chunked && !x.head) {
            ctx.write(ResponseEncoder.lastChunk(body.trailers()));
        }
        return true;
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
