package io.switchboard.http;

import io.switchboard.internal.Cumulation;
import io.switchboard.internal.jfr.HttpRequestEvent;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import java.io.EOFException;
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
 * <p>A request whose handler streams its body ({@link BodyPolicy#stream}) is handed to the handler at its head;
 * its body bytes go to an {@link IncomingBody}, and reading from the client pauses while that holds a window
 * of bytes the handler has not read. The next request is parsed once the body was read to its end.
 *
 * <p>A request that offers an upgrade holds the bytes after it until it is answered; a 101 (through
 * {@link HttpResponder#upgrade}) written in order replaces this stage with the new protocol's handler and
 * hands it those bytes. The {@link ResponseWriter} encodes the answers. Loop thread only (answers from other
 * threads come through {@link Exchange}); one per connection.
 */
final class HttpConnection implements Handler {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);

    /** Whether more requests are read from this connection. */
    private enum ReadState {
        /** Reading requests. */
        READING,
        /**
         * As many requests in flight as allowed (reading resumes when answers leave), or a streamed request body
         * holds as many bytes as it may (reading resumes when the handler reads them).
         */
        PAUSED,
        /**
         * A request that offers an upgrade was read: what follows it may be in another protocol, so nothing
         * more is parsed until its answer says which (a 101 switches, anything else goes on with HTTP).
         */
        HELD,
        /** No more requests: after {@code Connection: close}, a refused request, or the peer's FIN. */
        DONE
    }

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

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
    /**
     * The streamed body being received, or received and not yet read to its end by its handler: until then no
     * other request is parsed. Null when bodies are read whole.
     */
    private IncomingBody bodyIn;
    /** Bodies being read and held for requests not yet answered; created in {@link #added}. */
    private BodyBuffer bodies;
    private ResponseWriter writer;
    /** The service's counts on this loop; null when it counts nothing. */
    private RequestCounters counters;
    /** The peer's address as text, made for the first request recorded by JFR; null until then. */
    private String remoteText;

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
        this.bodies = new BodyBuffer(ctx.connection().budget());
        this.writer = new ResponseWriter(service, ctx);
        this.counters = service.metrics() == null ? null : service.metrics().on(ctx.loop());
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
            // The body was cut short: its request is dropped (a streamed one's reader gets the error).
            Exchange x = reading;
            reading = null;
            bodyIn = null;
            bodies.drop();
            if (x.headWritten) {
                finish(); // its answer has started: cut it
                return;
            }
            inFlight.remove(x);
            dropped(1);
            x.kill();
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

    /**
     * Goes on with a large answer that waits for room, and wakes the writers of streamed answers that wait for
     * the connection to take bytes.
     */
    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) {
        if (writable) {
            Exchange oldest = inFlight.oldest();
            if (oldest != null && oldest.bodyOpen() && oldest.response != null) {
                drain();
            }
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
        dropped(inFlight.size());
        inFlight.killAll();
        reading = null;
        if (bodyIn != null) {
            bodyIn.fail(new EOFException("the connection closed before the request body was read to its end"));
            bodyIn = null;
        }
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
                if (holdOff()) {
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
                    case BODY -> {
                        if (bodyIn != null) {
                            pushBody(parser.body());
                        } else {
                            appendBody(parser.body());
                        }
                    }
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

    /**
     * True when nothing more may be parsed for now: a streamed body holds as many bytes as it may, or has
     * ended and is not read to its end; or, between requests, {@link #full()}.
     */
    private boolean holdOff() {
        if (bodyIn != null) {
            if (bodyIn.holdsReading()) {
                return true;
            }
            if (reading != null) {
                return false;
            }
            bodyIn = null; // read to its end: the next request may come
        }
        return reading == null && parser.atRequestStart() && full();
    }

    private void onHead() {
        HttpRequest request = new HttpRequest(parser.method(), parser.target(), parser.version(), parser.headers(),
                ctx.connection());
        Exchange x = new Exchange(this, ctx.loop(), request);
        if (closing) {
            // The request partly received when the graceful close came: the last one read.
            x.closeAfter = true;
        }
        track(x);
        reading = x;
        bodyProgressAt = ctx.loop().nanoTime();
        if (parser.framing() == RequestParser.Framing.NONE) {
            return; // no body: nothing to decide (the parser ends the request next)
        }
        BodyPolicy policy = service.handler().bodyPolicy(request);
        long limit = policy.maxBytes(config);
        long length = parser.contentLength();
        if (length > limit) {
            throw new HttpException(413, "declared body of " + length + " bytes over the limit of " + limit);
        }
        if (!policy.streamed() && length > BodyPolicy.MAX_WHOLE) {
            throw new HttpException(413, "body too large to hold whole");
        }
        parser.limitBody(policy.streamed() ? limit : Math.min(limit, BodyPolicy.MAX_WHOLE));
        if (parser.expectContinue() && !service.handler().wantsBody(request)) {
            // Refused before the body was sent: answer now and read nothing more.
            reading = null;
            x.closeAfter = true;
            stopReading();
            dispatch(x);
            return;
        }
        if (parser.expectContinue()) {
            x.continuePending = true;
            drain();
        }
        if (policy.streamed()) {
            bodyIn = new IncomingBody(x, ctx.connection().budget(), ctx.connection().config().highWatermark(), length, this);
            request.streamedBody(bodyIn);
            dispatch(x);
        } else {
            // No memory for the body yet: it grows as its bytes arrive, whatever the head declared.
            bodies.start(length, limit);
        }
    }

    private void pushBody(ByteBuffer slice) {
        if (!bodyIn.push(slice)) {
            MemoryBudget budget = ctx.connection().budget();
            if (budget.countShed()) {
                log.warn("{}: memory budget spent ({}); refusing request bodies with 503 (logged at most once a minute)",
                        ctx.connection(), budget);
            }
            throw new HttpException(503, "the server has no memory left for request bodies; try again later");
        }
        bodyProgressAt = ctx.loop().nanoTime();
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
        if (x.bodyIn() != null) {
            // Its handler runs since the head: the end goes to the reader, and reading waits until it got there.
            HttpHeaders trailers = parser.trailers();
            parser.forgetMessage();
            if (x.closeAfter) {
                stopReading();
            }
            x.bodyIn().end(trailers);
            return;
        }
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
        if (reading != null && (state == ReadState.READING || state == ReadState.PAUSED)) {
            // A request is partly received (its body, maybe streamed): the last one read (onEnd stops reading after it).
            reading.closeAfter = true;
            return;
        }
        if (state == ReadState.READING && (!parser.atRequestStart() || !cumulation.isEmpty())) {
            return; // a head partly received: onHead marks it the last one
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
        if (x.bodyIn() != null) {
            x.bodyIn().fail(new IOException(e.status() + " " + e.getMessage(), e));
        }
        bodyIn = null;
        if (!inFlight.contains(x)) {
            track(x);
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
     *
     * @param length the announced length, or -1 for none
     */
    StreamedBody newBody(Exchange x, long length) {
        return new StreamedBody(x, this, ctx.connection().config().highWatermark(), length, config.sendTimeout().toNanos());
    }

    /** The handler read from the streamed body {@code body}: reading from the client may go on. */
    void bodyRead(IncomingBody body) {
        assert ctx.loop().inLoop();
        if (body == bodyIn && state == ReadState.PAUSED && !holdOff()) {
            resume();
            armTimer();
        }
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
        if (x.dead || body == null || x.written) {
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
        if (x.dead) {
            // The connection gave up on the request (its client left, say): the failure is the handler's answer to that.
            log.debug("the handler of {} from {} failed after the connection gave up: {}", x.request,
                    ctx.connection().remoteAddress(), error.toString());
            return;
        }
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
        if (x.bodyIn() != null && x.bodyIn().isFailure(error)) {
            // The body failed, and the server answered it (or the connection is gone): nothing more to say.
            log.debug("the handler of {} from {} gave up after the answer: {}", x.request, ctx.connection().remoteAddress(),
                    error.toString());
        } else {
            log.warn("handler failed on {} from {} after answering", x.request, ctx.connection().remoteAddress(), error);
        }
        if (x.streamHead != null && !x.written && !x.dead) {
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
            boolean complete = writer.write(oldest);
            if (closed) {
                return; // the write closed the connection (a limit, the budget, a stream cut short)
            }
            if (!complete) {
                break;
            }
            Exchange x = removeAnswered();
            int held = x.request == null ? 0 : x.request.wholeBodyLength();
            if (held > 0) {
                bodies.answered(held);
            }
            answeredAny = true;
            lastAnswerAt = ctx.loop().nanoTime();
            if (x.closeAfter) {
                finish();
                return;
            }
        }
        if (state == ReadState.PAUSED && !holdOff() || state == ReadState.HELD && inFlight.isEmpty()) {
            // HELD: the request that offered an upgrade got a plain answer; HTTP goes on.
            resume();
        }
        if (!parsing) {
            armTimer();
        }
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
        if (reading != null) {
            bodyProgressAt = ctx.loop().nanoTime(); // the pause was the handler's, not the client's
        }
        ctx.connection().resumeRead();
        if (!parsing) {
            ByteBuffer kept = cumulation.kept();
            if (kept != null) {
                parseAndKeep(kept);
            } else if (reading != null) {
                // A streamed body paused after its last bytes: the parser owes its end, which needs no input.
                parseAndKeep(NOTHING);
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
        removeAnswered();
        writer.writeSwitch(x);
        switched = true;
        state = ReadState.DONE;
        ByteBuffer unread = cumulation.take();
        ctx.connection().resumeRead();
        ctx.pipeline().replace(this, x.upgradeTo, unread);
    }

    // Counting and recording: no clock read, no atomic operation, no object unless a JFR recording runs

    /** Adds {@code x}, the newest exchange, stamped with the loop's clock, counted, and recorded while a recording runs. */
    private void track(Exchange x) {
        if (counters != null) {
            counters.started();
        }
        inFlight.add(x, ctx.loop().nanoTime(), RequestRecording.begin());
    }

    /** Removes the oldest exchange, whose whole answer has been handed to the connection, and counts it. */
    private Exchange removeAnswered() {
        long start = inFlight.oldestStart();
        HttpRequestEvent event = inFlight.oldestEvent();
        Exchange x = inFlight.removeOldest();
        int status = RequestRecording.status(x);
        if (counters != null) {
            counters.answered(status, ctx.loop().nanoTime() - start);
        }
        if (event != null) {
            if (remoteText == null) {
                remoteText = String.valueOf(ctx.connection().remoteAddress());
            }
            RequestRecording.commit(event, x, status, service.handler(), remoteText);
        }
        return x;
    }

    /** {@code n} requests leave unanswered: their connection is closing. */
    private void dropped(int n) {
        if (counters != null && n > 0) {
            counters.dropped(n);
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
        boolean cut = streamCut();
        dropped(inFlight.size());
        inFlight.killAll();
        if (cut) {
            ctx.connection().abort();
        } else {
            ctx.connection().close();
        }
    }

    /** {@return true while a body has started to leave and not ended: closing now would cut it} */
    private boolean streamCut() {
        Exchange x = inFlight.oldest();
        return x != null && x.bodyOpen();
    }

}
