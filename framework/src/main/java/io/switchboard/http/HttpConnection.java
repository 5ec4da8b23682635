package io.switchboard.http;

import io.switchboard.http.HttpDeadlines.Wait;
import io.switchboard.internal.Cumulation;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
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
 * hands it those bytes. The {@link ProtocolSwitch} decides whether the connection speaks the service's
 * {@link PriorKnowledge} protocol instead: by its first bytes on cleartext, by ALPN over TLS
 * ({@link TlsHandshakeCompleted}), or by a request's {@code Upgrade: h2c} on cleartext (answered 101 by this stage
 * through the same upgrade path, once the request was read whole). The {@link ResponseWriter} encodes the answers. Loop thread only (answers from
 * other threads come through {@link Exchange}); one per connection.
 */
final class HttpConnection implements Handler {
    private static final Logger log = LoggerFactory.getLogger(HttpConnection.class);

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
    /** Where the request bodies go; created in {@link #added}. */
    private RequestBodies bodies;
    private ResponseWriter writer;
    /** Counts and records the requests as they enter and leave {@link #inFlight}. */
    private RequestTally tally;

    private HttpDeadlines deadlines;
    /** Whether the connection leaves HTTP/1 for the service's {@link PriorKnowledge} protocol. */
    private final ProtocolSwitch protocols;

    HttpConnection(HttpService service) {
        this.service = service;
        this.config = service.config();
        this.parser = new RequestParser(config);
        this.protocols = new ProtocolSwitch(service);
    }

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        this.writer = new ResponseWriter(service, ctx);
        this.deadlines = new HttpDeadlines(config, ctx.loop(), this::timerFired);
        this.bodies = new RequestBodies(ctx, deadlines);
        this.tally = new RequestTally(service, ctx);
        armTimer();
    }

    @Override
    public void removed(HandlerContext ctx) {
        deadlines.cancel();
        bodies.release();
        writer.release();
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
            deadlines.headStarted();
        }
        if (protocols.undecided() && firstBytes((ByteBuffer) message)) {
            if (!switched) {
                armTimer();
            }
            return;
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
            bodies.drop();
            if (x.headWritten) {
                finish(); // its answer has started: cut it
                return;
            }
            inFlight.remove(x);
            tally.dropped(1);
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

    /**
     * Takes {@link GracefulClose}: the answers owed are written before the connection closes; and
     * {@link TlsHandshakeCompleted}, which may hand the connection to the protocol ALPN chose.
     */
    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event == GracefulClose.INSTANCE) {
            closeGracefully();
        } else if (event instanceof TlsHandshakeCompleted) {
            ctx.fireUserEvent(event);
            negotiated(((TlsHandshakeCompleted) event).applicationProtocol());
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
            if (oldest != null && oldest.body == null && (oldest.bodyOpen() || oldest.file != null)) {
                drain(); // a large whole body goes on, or a file answer starts or goes on
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
        deadlines.cancel();
        tally.dropped(inFlight.size());
        inFlight.killAll();
        reading = null;
        bodies.closed();
        writer.release();
        ctx.fireClosed();
    }

    // Reading

    /**
     * The TLS handshake agreed on {@code alpn} (null for none): the service's {@link PriorKnowledge} protocol takes
     * the connection when that is its ALPN name, before any byte is read; otherwise HTTP/1 goes on.
     */
    private void negotiated(String alpn) {
        boolean untouched = cumulation.isEmpty() && reading == null && inFlight.isEmpty() && state == ReadState.READING;
        if (protocols.negotiated(alpn, untouched)) {
            handOver(service.priorKnowledge().handler(service), null);
        }
    }

    /**
     * Looks for the {@link PriorKnowledge} protocol's preface at the connection's first bytes: once it is whole,
     * hands the connection and every byte read to that protocol's handler. {@return true when the bytes were taken:
     * kept while the preface is incomplete, parsed as HTTP/1 when they are not the preface, or handed over}
     */
    private boolean firstBytes(ByteBuffer message) {
        if (cumulation.isEmpty() && !protocols.mayStart(message)) {
            return false;
        }
        ByteBuffer in = cumulation.with(message);
        switch (protocols.look(in)) {
            case HTTP1 -> parseAndKeep(in);
            case PART -> cumulation.done(in);
            case WHOLE -> {
                handOver(service.priorKnowledge().handler(service), in);
                in.position(in.limit());
                cumulation.done(in);
            }
            default -> throw new IllegalStateException();
        }
        return true;
    }

    /** Leaves the pipeline to {@code protocol}, which gets {@code unread} (null for nothing) as its first read. */
    private void handOver(Handler protocol, ByteBuffer unread) {
        switched = true;
        state = ReadState.DONE;
        deadlines.cancel();
        ctx.pipeline().replace(this, protocol, unread);
    }

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
                if (!bodies.pump()) {
                    // The streamed body holds its window of decoded bytes: the rest waits, compressed.
                    state = ReadState.PAUSED;
                    ctx.connection().suspendRead();
                    break;
                }
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
                    case BODY -> bodies.take(parser.body());
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
        return bodies.holdsReading(reading == null) || reading == null && parser.atRequestStart() && full();
    }

    private void onHead() {
        HttpRequest request = new HttpRequest(parser.method(), parser.target(), parser.version(), parser.headers(),
                ctx.connection());
        Exchange x = new Exchange(this, ctx.loop(), request);
        if (closing) {
            // The request partly received when the graceful close came: the last one read.
            x.closeAfter = true;
        }
        tally.track(inFlight, x);
        reading = x;
        deadlines.bodyProgressed();
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
        ContentCoding coding = policy.decodes() ? ContentCoding.ofRequest(request.headers()) : null;
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
        if (bodies.start(x, policy, limit, length, coding)) {
            dispatch(x); // streamed: its handler reads the body as it comes
        }
    }

    private void onEnd() {
        bodies.ended();
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
        x.request.body(bodies.finishWhole(), parser.trailers());
        parser.forgetMessage();
        if (x.closeAfter) {
            stopReading();
        } else if (x.request.offersUpgrade()) {
            x.upgradable = true;
            state = ReadState.HELD;
            ctx.connection().suspendRead();
            Handler other = protocols.upgrade(service, x.request);
            if (other != null) {
                x.upgrade(protocols.switching(), other); // h2c: the server answers 101, HTTP/2 serves the request
                return;
            }
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
        if (!inFlight.contains(x)) {
            tally.track(inFlight, x);
        }
        x.closeAfter = true;
        if (x.claimByServer()) {
            x.response = service.errorAnswer(x.request, e);
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

    /** {@return the service} */
    HttpService service() {
        return service;
    }

    /** {@return the client's address} Loop thread only. */
    SocketAddress remoteAddress() {
        return ctx.connection().remoteAddress();
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
        if (body == bodies.streamed() && state == ReadState.PAUSED && !holdOff()) {
            resume();
            armTimer();
        }
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

    // Writing, in request order

    /** Writes the answers that are due, oldest first, and reads on when room was made. Loop thread only. */
    void drain() {
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
            Exchange x = tally.removeAnswered(inFlight);
            int held = x.request == null ? 0 : x.request.wholeBodyLength();
            if (held > 0) {
                bodies.answered(held);
            }
            deadlines.answered();
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
            deadlines.bodyProgressed(); // the pause was the handler's, not the client's
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
            x.response = service.errorAnswer(x.request, 503, "the connection is closing");
            return;
        }
        tally.removeAnswered(inFlight);
        writer.writeSwitch(x);
        ByteBuffer unread = cumulation.take();
        ctx.connection().resumeRead();
        handOver(x.upgradeTo, unread);
    }

    // Timeouts

    private Wait waitingFor() {
        if (closed) {
            return Wait.NOTHING;
        }
        Exchange oldest = inFlight.oldest();
        if (oldest != null && oldest.body == null && oldest.bodyOpen()) {
            return Wait.SEND; // streamed bodies have their own send timeout, in their writers
        }
        if (state != ReadState.READING) {
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
        return deadlines.answeredAny() ? Wait.NEXT_REQUEST : Wait.FIRST_REQUEST;
    }

    private void armTimer() {
        deadlines.arm(waitingFor(), ctx.connection().lastWriteNanos());
    }

    private void timerFired() {
        Wait wait = waitingFor();
        if (wait == Wait.NOTHING) {
            return;
        }
        if (!deadlines.passed(wait, ctx.connection().lastWriteNanos())) {
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
            case SEND -> {
                log.debug("{}: the client took none of an answer's body for {}; resetting", ctx.connection(),
                        config.sendTimeout());
                ctx.connection().abort();
            }
            default -> throw new IllegalStateException(wait.toString());
        }
    }

    private void finish() {
        state = ReadState.DONE;
        boolean cut = streamCut();
        tally.dropped(inFlight.size());
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
