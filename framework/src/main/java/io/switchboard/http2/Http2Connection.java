package io.switchboard.http2;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http2.FloodBudget.Kind;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackException;
import io.switchboard.internal.HttpAccess;
import io.switchboard.loop.EventLoop;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one HTTP/2 connection (RFC 9113): a pipeline {@link Handler} that reads frames with the
 * {@link Http2FrameReader}, keeps the streams, and hands each request to the {@link HttpService}'s handler with an
 * {@link io.switchboard.http.HttpResponder} of its own, so the handlers of HTTP/1 serve HTTP/2 unchanged. Answers
 * leave on their streams as they complete, in no order across streams. Loop thread only (answers from other threads
 * come back to the loop); one per connection.
 *
 * <pre>
 *  bytes --&gt; Http2FrameReader --&gt; this (streams, windows, budgets) --&gt; HpackDecoder --&gt; HttpRequest --&gt; handler
 *  bytes &lt;-- Http2FrameWriter &lt;-- this (DATA to the windows)   &lt;-- HpackEncoder &lt;-- Http2Exchange &lt;-- answer
 * </pre>
 *
 * <h2>Lifecycle</h2>
 * It sends its SETTINGS and a WINDOW_UPDATE that opens the connection window to
 * {@link Http2Limits#connectionWindow()} as soon as it is added, then expects the client preface and SETTINGS, and
 * the ACK of its own, within {@link Http2Limits#settingsTimeout()} (else GOAWAY {@code SETTINGS_TIMEOUT}). On
 * {@link GracefulClose} it sends GOAWAY {@code NO_ERROR} with the last stream it took, answers the streams it took,
 * and closes; the HEADERS of later streams are decoded (to keep HPACK in step) and dropped. A connection error sends
 * GOAWAY with its code and closes; a stream error sends RST_STREAM and the connection goes on. A connection with no
 * stream open for {@link HttpConfig#keepAliveTimeout()} (PINGs do not count) is closed the graceful way.
 *
 * <h2>Streams</h2>
 * Client streams are odd and increasing: a HEADERS on an even stream, or on a stream at or below the last one
 * opened that the connection does not know as closed, is a connection error {@code PROTOCOL_ERROR}. The last 64
 * streams closed are remembered with how they closed (RFC 9113 section 5.1): on a stream the server reset (or
 * refused) the frames the client sent before it saw the reset are dropped, their DATA still counted against the
 * connection window and their header blocks decoded; on a stream the client reset, HEADERS and DATA are a stream
 * error {@code STREAM_CLOSED}; on a stream both sides ended, and on an older closed stream, DATA is a connection
 * error {@code STREAM_CLOSED} and so is HEADERS on the former. WINDOW_UPDATE, RST_STREAM and PRIORITY on closed
 * streams are ignored (the first counted in the flood budget). Past {@code SETTINGS_MAX_CONCURRENT_STREAMS} open streams (default 100) a new one
 * is refused with RST_STREAM {@code REFUSED_STREAM}.
 *
 * <h2>Requests</h2>
 * A header block is checked by {@link RequestFields} (a malformed one resets its stream with
 * {@code PROTOCOL_ERROR}); a header list over the advertised {@code SETTINGS_MAX_HEADER_LIST_SIZE} is answered
 * 431, and more fields than {@link HttpConfig#maxHeaderCount()} too. The request, its body and its handler are
 * {@link Http2Dispatch}'s; the body's DATA must add up to {@code content-length} ({@code PROTOCOL_ERROR} on the
 * stream otherwise). Trailers are taken; a second header block without END_STREAM is {@code PROTOCOL_ERROR}.
 *
 * <h2>Answers and flow control</h2>
 * {@link Http2Sender} encodes the heads and sends the answers' DATA within the client's windows; {@link Http2Receiver}
 * keeps the windows the client sends in and the memory of the bodies held. A change of the client's
 * {@code SETTINGS_INITIAL_WINDOW_SIZE} moves every stream's window (past 2^31-1: {@code FLOW_CONTROL_ERROR}).
 *
 * <h2>Stalled streams</h2>
 * One sweep timer per connection, armed while streams are open, ends the streams that stopped moving: a request body
 * with no DATA for {@link HttpConfig#bodyTimeout()} (408, or RST_STREAM {@code CANCEL} once answered) and an answer
 * waiting for the client's window for {@link HttpConfig#sendTimeout()} (RST_STREAM {@code CANCEL}). A header block
 * left unfinished opens no stream, so the idle timer closes that connection.
 *
 * <h2>Floods</h2>
 * See {@link Http2Limits}: resets received and sent, PINGs, SETTINGS, empty frames and useless WINDOW_UPDATEs each
 * have a budget per window; past one the connection sends GOAWAY {@code ENHANCE_YOUR_CALM} and closes.
 */
public final class Http2Connection implements Handler, Http2FrameReader.Listener {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);
    /** A WINDOW_UPDATE that opens less is of no value: counted in the flood budget. */
    private static final int USEFUL_INCREMENT = 1024;

    /** Where the connection is in its life. */
    private enum State { STARTING, OPEN, GOING_AWAY, CLOSED }

    private final HttpService service;
    private final HttpConfig http;
    private final Http2Limits limits;
    private final Http2Settings local;
    private final Http2FrameReader reader;
    private final HpackDecoder decoder;
    private final RequestFields fields = new RequestFields();
    private final FloodBudget budget;
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    /** The last streams closed, with how. */
    private final ClosedStreams closedStreams = new ClosedStreams();
    /** The streams a sweep found stalled; empty between sweeps. */
    private final ArrayList<Http2Stream> stalled = new ArrayList<>();

    private HandlerContext ctx;
    private EventLoop loop;
    private Http2FrameWriter writer;
    private Http2Sender sender;
    private Http2Receiver receiver;
    private Http2Deadlines deadlines;
    private Http2Dispatch dispatch;
    private final FieldBlock block = new FieldBlock();
    private State state = State.STARTING;
    private Http2Settings peer = Http2Settings.DEFAULTS;
    private boolean settingsAcked;
    /** The highest stream the client opened. */
    private int lastStreamId;
    /** The last stream the GOAWAY sent names; streams above it are not taken. */
    private int goAwayStream = Integer.MAX_VALUE;

    /**
     * The HTTP/2 side of a connection of {@code service}, with {@code limits} ({@link Http2Server} makes it).
     *
     * @param service the handler, HTTP limits and error answers
     * @param limits  the HTTP/2 limits
     */
    Http2Connection(HttpService service, Http2Limits limits) {
        this.service = service;
        this.http = service.config();
        this.limits = limits;
        this.local = limits.frames().settings();
        this.reader = new Http2FrameReader(true, limits.frames(), this);
        this.decoder = new HpackDecoder((int) Math.min(Integer.MAX_VALUE, local.maxHeaderListSize()));
        this.budget = new FloodBudget(limits);
    }

    /** The request of an {@code Upgrade: h2c}, served as stream 1 once added; null otherwise. */
    private Http2Upgrade upgrade;

    /**
     * The HTTP/2 side of a connection that switched by {@code Upgrade: h2c}: once added it serves the upgrade's request
     * as stream 1 ({@link #serveUpgrade}).
     */
    Http2Connection(HttpService service, Http2Limits limits, Http2Upgrade upgrade) {
        this(service, limits);
        this.upgrade = upgrade;
    }

    // Pipeline events

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        this.loop = ctx.loop();
        this.writer = new Http2FrameWriter(ctx::write);
        this.receiver = new Http2Receiver(writer, ctx.connection(), limits);
        this.sender = new Http2Sender(this, writer, ctx, service, receiver);
        this.dispatch = new Http2Dispatch(this, service, ctx, sender, receiver);
        Duration shorter = http.bodyTimeout().compareTo(http.sendTimeout()) < 0 ? http.bodyTimeout()
                : http.sendTimeout();
        this.deadlines = new Http2Deadlines(loop, limits.settingsTimeout(), http.keepAliveTimeout(), streams::isEmpty,
                this::settingsTimedOut, this::idleTimedOut, shorter.dividedBy(4), this::sweep);
        writer.settings(local);
        receiver.open();
        deadlines.settingsSent();
        deadlines.becameIdle();
        if (upgrade != null) {
            serveUpgrade();
        }
    }

    /**
     * Takes the client's {@code HTTP2-Settings} as its first SETTINGS (the 101 acknowledged them, RFC 7540 section
     * 3.2.1) and serves the upgrade's request as stream 1, half-closed (remote): its body, read whole over HTTP/1.1,
     * counts against the memory budget until the answer's head leaves, as any request's. The client's preface comes
     * next and is checked as on any connection.
     */
    private void serveUpgrade() {
        Http2Upgrade u = upgrade;
        upgrade = null;
        peer = peer.merge(u.settings());
        if (u.settings().isSet(Http2Settings.HEADER_TABLE_SIZE)) {
            sender.peerTableSize((int) Math.min(Integer.MAX_VALUE, peer.headerTableSize()));
        }
        writer.maxFrameSize(peer.maxFrameSize());
        sender.peerMaxHeaderListSize(peer.maxHeaderListSize());
        lastStreamId = 1;
        Http2Stream s = new Http2Stream(1, peer.initialWindowSize(), 0);
        s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        streams.put(1, s);
        s.progress = loop.nanoTime();
        deadlines.streamOpened();
        dispatch.upgraded(s, u.request(ctx.connection()), u.body(), u.trailers());
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer)) {
            ctx.fireRead(message);
            return;
        }
        ByteBuffer in = (ByteBuffer) message;
        if (state == State.CLOSED) {
            in.position(in.limit());
            return;
        }
        try {
            reader.read(in);
        } catch (Http2Exception e) {
            connectionError(e.error(), e.getMessage());
        }
    }

    @Override
    public void inputClosed(HandlerContext ctx) {
        log.debug("{}: the client closed its side; closing", ctx.connection());
        close();
    }

    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event == GracefulClose.INSTANCE) {
            goAway();
        } else {
            ctx.fireUserEvent(event);
        }
    }

    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) {
        if (writable) {
            sender.send();
            for (Http2Stream s : streams.values()) {
                if (s.stream != null) {
                    s.stream.left(0);
                }
            }
        }
        ctx.fireWritabilityChanged(writable);
    }

    @Override
    public void closed(HandlerContext ctx) {
        state = State.CLOSED;
        deadlines.stop();
        receiver.stop();
        reader.release();
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            forget(s);
        }
        sender.stop();
        ctx.fireClosed();
    }

    // Frames

    @Override
    public void onSettings(Http2Settings update) {
        spend(Kind.SETTINGS, "SETTINGS");
        Http2Settings was = peer;
        peer = peer.merge(update);
        if (update.isSet(Http2Settings.HEADER_TABLE_SIZE)) {
            sender.peerTableSize((int) Math.min(Integer.MAX_VALUE, peer.headerTableSize()));
        }
        if (update.isSet(Http2Settings.MAX_FRAME_SIZE)) {
            writer.maxFrameSize(peer.maxFrameSize());
        }
        int delta = peer.initialWindowSize() - was.initialWindowSize();
        if (delta != 0) {
            for (Http2Stream s : streams.values()) {
                long window = (long) s.sendWindow + delta;
                if (window > Http2Settings.MAX_WINDOW_SIZE) {
                    throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE takes the window of stream " + s.id + " past 2^31-1");
                }
                s.sendWindow = (int) window;
            }
        }
        writer.settingsAck();
        if (state == State.STARTING) {
            state = State.OPEN;
            if (settingsAcked) {
                deadlines.settled();
            }
        }
        sender.peerMaxHeaderListSize(peer.maxHeaderListSize());
        if (delta > 0) {
            sender.send();
        }
    }

    @Override
    public void onSettingsAck() {
        settingsAcked = true;
        if (state != State.STARTING) {
            deadlines.settled();
        }
        decoder.setMaxTableSize((int) Math.min(Integer.MAX_VALUE, local.headerTableSize()));
    }

    @Override
    public void onPing(long payload, boolean ack) {
        spend(Kind.PING, "PING");
        if (!ack) {
            writer.pingAck(payload);
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        log.debug("{}: the client sent GOAWAY {} (last stream {})", ctx.connection(), Http2Error.of(errorCode),
                lastStreamId);
        goAway();
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        if (increment < USEFUL_INCREMENT) {
            spend(Kind.USELESS_WINDOW_UPDATE, "WINDOW_UPDATE");
        }
        if (streamId == 0) {
            if (!sender.openWindow(increment)) {
                throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "connection window past 2^31-1");
            }
            sender.send();
            return;
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + streamId);
            }
            if (increment >= USEFUL_INCREMENT) {
                spend(Kind.USELESS_WINDOW_UPDATE, "WINDOW_UPDATE");
            }
            return; // closed: ignored
        }
        if ((long) s.sendWindow + increment > Http2Settings.MAX_WINDOW_SIZE) {
            resetStream(s.id, Http2Error.FLOW_CONTROL_ERROR, "stream window past 2^31-1");
            return;
        }
        s.sendWindow += increment;
        s.progress = loop.nanoTime();
        if (s.queued || s.pending != null) {
            sender.send();
        }
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        if (streamId > lastStreamId) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "RST_STREAM on idle stream " + streamId);
        }
        spend(Kind.RESET, "RST_STREAM");
        Http2Stream s = streams.get(streamId);
        if (s != null) {
            log.debug("{}: the client reset {} ({})", ctx.connection(), s, Http2Error.of(errorCode));
            closedStreams.closed(streamId, ClosedStreams.RESET_BY_PEER);
            forget(s);
            maybeFinish();
        }
    }

    @Override
    public void onPriority(int streamId, int dependency, int weight, boolean exclusive) {
        // Priorities are accepted and ignored (RFC 9113 section 5.3.2); as they cost parsing and give nothing, they
        // count with the empty frames.
        spend(Kind.EMPTY_FRAME, "PRIORITY frames");
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment, boolean endHeaders) {
        throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
    }

    @Override
    public void onUnknown(int type, int flags, int streamId, int length) {
        spend(Kind.EMPTY_FRAME, "frames of unknown types");
    }

    @Override
    public void onStreamError(Http2Exception error) {
        int id = error.streamId();
        if ((id & 1) == 1 && id > lastStreamId) {
            lastStreamId = id; // opened by the frame that broke the rule, and reset at once
        }
        resetStream(id, error.error(), error.getMessage());
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders) {
        if (!endHeaders || !endStream) {
            if (!fragment.hasRemaining()) {
                spend(Kind.EMPTY_FRAME, "empty HEADERS");
            }
        }
        if (endHeaders) {
            headerBlock(streamId, fragment, endStream);
            return;
        }
        block.start(endStream, fragment);
    }

    @Override
    public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        if (!fragment.hasRemaining()) {
            spend(Kind.EMPTY_FRAME, "empty CONTINUATION");
        }
        block.add(fragment);
        if (endHeaders) {
            headerBlock(streamId, block.finish(), block.endStream());
            block.done();
        }
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
        int size = data.remaining() + padding;
        if (size == 0 && !endStream) {
            spend(Kind.EMPTY_FRAME, "empty DATA");
        }
        receiver.take(size);
        Http2Stream s = streams.get(streamId);
        if (s == null || s.remoteClosed()) {
            receiver.consumed(size); // the bytes are dropped: the connection window gets them back at once
            if (streamId > lastStreamId) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "DATA on idle stream " + streamId);
            }
            byte how = s != null ? ClosedStreams.RESET_BY_PEER : closedStreams.howClosed(streamId);
            if (how == ClosedStreams.RESET_BY_PEER) {
                resetStream(streamId, Http2Error.STREAM_CLOSED, "DATA after END_STREAM or RST_STREAM");
            } else if (how != ClosedStreams.RESET_BY_US) {
                throw Http2Exception.connection(Http2Error.STREAM_CLOSED, "DATA on closed stream " + streamId);
            }
            return;
        }
        if (size > s.recvWindow) {
            receiver.consumed(size);
            resetStream(streamId, Http2Error.FLOW_CONTROL_ERROR, "DATA past the stream window");
            return;
        }
        s.recvWindow -= size;
        s.received += data.remaining();
        s.progress = loop.nanoTime();
        if (s.declaredLength >= 0 && (s.received > s.declaredLength || endStream && s.received != s.declaredLength)) {
            receiver.consumed(size);
            resetStream(streamId, Http2Error.PROTOCOL_ERROR, "DATA does not add up to content-length");
            return;
        }
        dispatch.data(s, data, size, endStream);
    }

    // Header blocks

    private void headerBlock(int streamId, ByteBuffer block, boolean endStream) {
        Http2Stream s = streams.get(streamId);
        if (s != null) {
            s.progress = loop.nanoTime();
            trailers(s, block, endStream);
            return;
        }
        boolean fresh = streamId > lastStreamId;
        if (fresh && (streamId & 1) == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on even stream " + streamId);
        }
        byte how = fresh ? 0 : closedStreams.howClosed(streamId);
        if (!fresh && how == 0) {
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on stream " + streamId
                    + ", not above the last stream opened, " + lastStreamId);
        }
        if (how == ClosedStreams.ENDED) {
            throw Http2Exception.connection(Http2Error.STREAM_CLOSED, "HEADERS on closed stream " + streamId);
        }
        fields.startRequest(http.maxHeaderCount());
        boolean tooLarge = decode(block);
        if (how == ClosedStreams.RESET_BY_PEER) {
            resetStream(streamId, Http2Error.STREAM_CLOSED, "HEADERS after RST_STREAM");
            return;
        }
        if (!fresh) {
            return; // a stream the server reset: decoded to keep HPACK in step, and dropped
        }
        lastStreamId = streamId;
        if (state == State.GOING_AWAY && streamId > goAwayStream || state == State.CLOSED) {
            return; // after our GOAWAY: not taken
        }
        if (streams.size() >= local.maxConcurrentStreams()) {
            resetStream(streamId, Http2Error.REFUSED_STREAM, "past SETTINGS_MAX_CONCURRENT_STREAMS");
            return;
        }
        String fault = fields.finish();
        if (fault != null) {
            resetStream(streamId, Http2Error.PROTOCOL_ERROR, fault);
            return;
        }
        int initialRecv = settingsAcked ? local.initialWindowSize()
                : Math.max(Http2Receiver.DEFAULT_WINDOW, local.initialWindowSize());
        s = new Http2Stream(streamId, peer.initialWindowSize(), initialRecv);
        s.progress = loop.nanoTime();
        streams.put(streamId, s);
        deadlines.streamOpened();
        dispatch.opened(s, fields, tooLarge, endStream);
    }

    /** Decodes a request block into {@link #fields}. {@return true when its header list was over the limit} */
    private boolean decode(ByteBuffer block) {
        try {
            decoder.decode(block, fields);
            return false;
        } catch (HpackException e) {
            if (e.connectionError()) {
                throw Http2Exception.connection(Http2Error.COMPRESSION_ERROR, e.getMessage());
            }
            return true;
        }
    }

    private void trailers(Http2Stream s, ByteBuffer block, boolean endStream) {
        fields.startTrailers(http.maxHeaderCount());
        boolean tooLarge = decode(block);
        if (s.remoteClosed()) {
            resetStream(s.id, Http2Error.STREAM_CLOSED, "HEADERS after END_STREAM");
            return;
        }
        if (!endStream) {
            resetStream(s.id, Http2Error.PROTOCOL_ERROR, "trailers without END_STREAM");
            return;
        }
        String fault = fields.finish();
        if (fault != null || tooLarge) {
            resetStream(s.id, Http2Error.PROTOCOL_ERROR, fault != null ? fault : "trailers over the limit");
            return;
        }
        if (s.declaredLength >= 0 && s.received != s.declaredLength) {
            resetStream(s.id, Http2Error.PROTOCOL_ERROR, "DATA does not add up to content-length");
            return;
        }
        dispatch.ended(s, fields.headers);
    }

    HttpResponse errorAnswer(HttpRequest request, HttpException e) {
        return HttpAccess.get().errorAnswer(service, request, e);
    }

    // Streams ending

    /** A streamed answer cut short, or a handler that failed after answering: RST_STREAM INTERNAL_ERROR. */
    void cut(Http2Exchange x) {
        assert loop.inLoop();
        if (!x.dead && !x.stream.gone) {
            closeStream(x.stream, ClosedStreams.RESET_BY_US, Http2Error.INTERNAL_ERROR);
        }
    }

    /**
     * The server ended its side of {@code s}: the stream closes, at once if the client had ended its own, else with
     * RST_STREAM NO_ERROR (answered before the whole request came: RFC 9113 section 8.1 lets the server stop the
     * upload so).
     */
    void localEnd(Http2Stream s) {
        dispatch.answered(s);
        if (s.remoteClosed()) {
            closeStream(s, ClosedStreams.ENDED, null);
        } else {
            closeStream(s, ClosedStreams.RESET_BY_US, Http2Error.NO_ERROR);
        }
    }

    private void closeStream(Http2Stream s, byte how, Http2Error reset) {
        if (reset != null) {
            writer.rstStream(s.id, reset);
        }
        closedStreams.closed(s.id, how);
        forget(s);
        maybeFinish();
    }

    // Errors and the end

    /** Resets a stream because of what the client sent: counted against the reset budget (MadeYouReset). */
    void resetStream(int id, Http2Error code, String why) {
        log.debug("{}: resetting stream {} with {}: {}", ctx.connection(), id, code, why);
        spend(Kind.RESET, "resets");
        writer.rstStream(id, code);
        closedStreams.closed(id, ClosedStreams.RESET_BY_US);
        Http2Stream s = streams.get(id);
        if (s != null) {
            forget(s);
        }
        maybeFinish();
    }

    /** Drops a stream: its handler's late answer goes nowhere, its body's memory goes back. */
    private void forget(Http2Stream s) {
        s.gone = true;
        if (streams.remove(s.id) != null && streams.isEmpty()) {
            deadlines.becameIdle();
        }
        receiver.release(s);
        dispatch.closed(s);
        s.pending = null;
        if (s.exchange != null) {
            s.exchange.dead = true;
        }
        if (s.stream != null) {
            s.stream.cut();
        }
        if (s.coder != null) {
            s.coder.release();
            s.coder = null;
        }
    }

    private void spend(Kind kind, String what) {
        if (!budget.spend(kind, loop.nanoTime())) {
            throw Http2Exception.connection(Http2Error.ENHANCE_YOUR_CALM,
                    what + ": more than " + budget.limit(kind) + " in " + limits.budgetWindow());
        }
    }

    /** Sends GOAWAY NO_ERROR with the last stream taken; closes once the streams taken are answered. */
    private void goAway() {
        if (state == State.GOING_AWAY || state == State.CLOSED) {
            return;
        }
        state = State.GOING_AWAY;
        goAwayStream = lastStreamId;
        writer.goAway(lastStreamId, Http2Error.NO_ERROR, null);
        maybeFinish();
    }

    private void maybeFinish() {
        if (state == State.GOING_AWAY && streams.isEmpty()) {
            close();
        }
    }

    private void connectionError(Http2Error code, String why) {
        if (state == State.CLOSED) {
            return;
        }
        log.debug("{}: connection error {}: {}", ctx.connection(), code, why);
        writer.goAway(lastStreamId, code, ByteBuffer.wrap(why.getBytes(StandardCharsets.US_ASCII)));
        close();
    }

    private void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        deadlines.stop();
        receiver.stop();
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            forget(s);
        }
        sender.stop();
        ctx.connection().close();
    }

    // Stalled streams

    /**
     * The sweep (every quarter of the shorter of {@link HttpConfig#bodyTimeout()} and {@link HttpConfig#sendTimeout()}
     * while streams are open) ends the streams that made no progress ({@link Http2Stream#progress}) for the HTTP/1
     * timeout of the same meaning: a request body that stopped arriving for {@code bodyTimeout}, an answer waiting for
     * the client's window (or the connection's writability) for {@code sendTimeout}. A stream whose request is whole
     * and whose handler has not answered is not timed: that is the handler's business, as over HTTP/1.
     */
    private void sweep() {
        assert loop.inLoop();
        if (state == State.CLOSED) {
            return;
        }
        long now = loop.nanoTime();
        long bodyNanos = http.bodyTimeout().toNanos();
        long sendNanos = http.sendTimeout().toNanos();
        for (Http2Stream s : streams.values()) {
            long quiet = now - s.progress;
            if (receivingBody(s) ? quiet >= bodyNanos : s.pending != null && quiet >= sendNanos) {
                stalled.add(s);
            }
        }
        for (int i = 0; i < stalled.size(); i++) {
            Http2Stream s = stalled.get(i);
            if (!s.gone) {
                stalled(s);
            }
        }
        stalled.clear();
    }

    /** {@return true while the request body of {@code s} is arriving for the server or for its handler} */
    private static boolean receivingBody(Http2Stream s) {
        // A stream answered before its body came (dispatched, no upload) drops the rest: its handler's business.
        return !s.remoteClosed() && (s.upload != null || !s.dispatched);
    }

    /**
     * Ends a stalled stream: a body that stopped arriving is answered 408 while the handler has not answered (a
     * streamed body's reader gets an {@code IOException} whose cause is the 408), then closed with RST_STREAM
     * {@code NO_ERROR} as any answer before the end of the request; otherwise RST_STREAM {@code CANCEL}, and a
     * writer of the answer sees the stream closed. These resets are not counted against the reset budget: the client
     * made no frame to provoke them, only silence, which costs it a stream slot for a whole timeout, so they come at
     * most {@code SETTINGS_MAX_CONCURRENT_STREAMS} per timeout (100 a minute by default), far below the budget;
     * counting them would only let an honest client with slow streams lose the connection to its other resets.
     */
    private void stalled(Http2Stream s) {
        if (receivingBody(s) && !s.exchange.isAnswered()) {
            log.debug("{}: the request body of {} stopped arriving for {}; answering 408", ctx.connection(), s,
                    http.bodyTimeout());
            HttpException e = new HttpException(408, "the request body stopped arriving");
            if (s.upload != null) {
                s.upload.timedOut(e);
            } else {
                dispatch.refuse(s, e);
            }
            return;
        }
        log.debug("{}: {} made no progress for {}; resetting it", ctx.connection(), s,
                receivingBody(s) ? http.bodyTimeout() : http.sendTimeout());
        closeStream(s, ClosedStreams.RESET_BY_US, Http2Error.CANCEL);
    }

    /** No stream was open for {@link HttpConfig#keepAliveTimeout()}: the connection goes away. */
    private void idleTimedOut() {
        log.debug("{}: no stream for {}; closing", ctx.connection(), http.keepAliveTimeout());
        goAway();
    }

    private void settingsTimedOut() {
        if (state == State.CLOSED || settingsAcked && state != State.STARTING) {
            return;
        }
        connectionError(Http2Error.SETTINGS_TIMEOUT, state == State.STARTING ? "no preface and SETTINGS in time"
                : "our SETTINGS were not acknowledged in time");
    }

    /** {@return the sending side; set once the connection was added to its pipeline} */
    Http2Sender sender() {
        return sender;
    }

    // For the response streams, from any thread

    boolean isWritable() {
        HandlerContext c = ctx;
        return c != null && c.connection().isWritable();
    }

    long highWatermark() {
        return ctx.connection().config().highWatermark();
    }

    long sendTimeoutNanos() {
        return http.sendTimeout().toNanos();
    }
}
