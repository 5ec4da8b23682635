package io.switchboard.http2;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpException;
import io.switchboard.http.HttpHeaders;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.HttpVersion;
import io.switchboard.http.BodyPolicy;
import io.switchboard.http2.FloodBudget.Kind;
import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackException;
import io.switchboard.internal.HttpAccess;
import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * 431, and more fields than {@link HttpConfig#maxHeaderCount()} too. The body is received whole, up to the limit of
 * the handler's {@link BodyPolicy} ({@link HttpConfig#maxBody()} at most: streamed request bodies are received
 * whole over HTTP/2), answered 413 past it; its bytes are taken from the connection's memory budget (503 when
 * spent), and its DATA must add up to {@code content-length} ({@code PROTOCOL_ERROR} on the stream otherwise).
 * Trailers are taken; a second header block without END_STREAM is {@code PROTOCOL_ERROR}. A request with
 * {@code expect: 100-continue} whose declared length is within the limit gets a {@code 100} head at once (413 when
 * it is not).
 *
 * <h2>Answers</h2>
 * The head carries {@code :status}, the response's fields but the connection-specific ones, {@code content-length}
 * of a whole body, and {@code date} and {@code server} as over HTTP/1; a head over the client's
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} resets the stream with {@code INTERNAL_ERROR} instead, before anything of it
 * is encoded. Not yet over HTTP/2: response compression ({@code HttpConfig.compression}), the service's
 * {@code HttpMetrics}, and {@code sendFile} by {@code sendfile} (the file is read in chunks on the loop).
 *
 * <h2>Flow control</h2>
 * The stream windows the client has are replenished as the body is received, once half of
 * {@code SETTINGS_INITIAL_WINDOW_SIZE} is used; the connection window likewise, but only while the bodies held for
 * unanswered requests are under {@link Http2Limits#maxBufferedBodies()}: past it the client waits. Answers are
 * sent as DATA within the client's windows and {@code SETTINGS_MAX_FRAME_SIZE}, and wait for its WINDOW_UPDATEs; a
 * change of {@code SETTINGS_INITIAL_WINDOW_SIZE} moves every stream's window (past 2^31-1:
 * {@code FLOW_CONTROL_ERROR}). While the connection is over its outbound high watermark (the client does not read
 * what we send) no DATA is written and the connection stops reading (CVE-2019-9517), so neither answers nor the
 * replies to control frames queue without bound.
 *
 * <h2>Floods</h2>
 * See {@link Http2Limits}: resets received and sent, PINGs, SETTINGS, empty frames and useless WINDOW_UPDATEs each
 * have a budget per window; past one the connection sends GOAWAY {@code ENHANCE_YOUR_CALM} and closes.
 */
public final class Http2Connection implements Handler, Http2FrameReader.Listener {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);
    /** A WINDOW_UPDATE that opens less is of no value: counted in the flood budget. */
    private static final int USEFUL_INCREMENT = 1024;
    private static final int DEFAULT_WINDOW = 65_535;

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

    private HandlerContext ctx;
    private EventLoop loop;
    private Http2FrameWriter writer;
    private Http2Sender sender;
    private State state = State.STARTING;
    private Http2Settings peer = Http2Settings.DEFAULTS;
    private boolean settingsAcked;
    private Scheduled settingsTimer;
    /** The highest stream the client opened. */
    private int lastStreamId;
    /** The last stream the GOAWAY sent names; streams above it are not taken. */
    private int goAwayStream = Integer.MAX_VALUE;
    private int recvWindow = DEFAULT_WINDOW;
    private int recvUnacked;
    /** Bytes of request bodies held for requests not answered. */
    private long buffered;

    /** Fires {@link HttpConfig#keepAliveTimeout()} after the last stream closed; null while none is armed. */
    private Scheduled idleTimer;
    /** When the connection last had no stream open, on the loop's clock. */
    private long idleSince;

    /** The field block being gathered from HEADERS and CONTINUATION frames. */
    private int blockStream;
    private boolean blockEndStream;
    private byte[] blockBytes;
    private int blockLength;

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
        this.sender = new Http2Sender(this, writer, ctx, service);
        writer.settings(local);
        if (limits.connectionWindow() > DEFAULT_WINDOW) {
            writer.windowUpdate(0, limits.connectionWindow() - DEFAULT_WINDOW);
            recvWindow = limits.connectionWindow();
        }
        settingsTimer = loop.schedule(this::settingsTimedOut, limits.settingsTimeout().toNanos(), TimeUnit.NANOSECONDS);
        becameIdle();
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
        s.request = u.request(ctx.connection());
        s.head = s.request.method().equals("HEAD");
        s.exchange = new Http2Exchange(this, s, s.request, loop);
        byte[] body = u.body();
        if (body.length > 0) {
            ctx.connection().budget().reserve(body.length); // already in memory: counted, not refused
            s.reserved = body.length;
            buffered += body.length;
            s.body = body;
            s.bodyLength = body.length;
        }
        dispatch(s, u.trailers());
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
        if (settingsTimer != null) {
            settingsTimer.cancel();
        }
        if (idleTimer != null) {
            idleTimer.cancel();
        }
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
            if (settingsAcked && settingsTimer != null) {
                settingsTimer.cancel();
                settingsTimer = null;
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
        if (settingsTimer != null && state != State.STARTING) {
            settingsTimer.cancel();
            settingsTimer = null;
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
        blockStream = streamId;
        blockEndStream = endStream;
        blockLength = 0;
        gather(fragment);
    }

    @Override
    public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        if (!fragment.hasRemaining()) {
            spend(Kind.EMPTY_FRAME, "empty CONTINUATION");
        }
        gather(fragment);
        if (endHeaders) {
            ByteBuffer block = ByteBuffer.wrap(blockBytes, 0, blockLength);
            blockStream = 0;
            headerBlock(streamId, block, blockEndStream);
            if (blockBytes.length > 4096) {
                blockBytes = null;
            }
        }
    }

    private void gather(ByteBuffer fragment) {
        int n = fragment.remaining();
        if (blockBytes == null || blockBytes.length - blockLength < n) {
            blockBytes = Arrays.copyOf(blockBytes == null ? new byte[0] : blockBytes,
                    Math.max(blockLength + n, blockBytes == null ? 1024 : blockBytes.length * 2));
        }
        fragment.get(blockBytes, blockLength, n);
        blockLength += n;
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
        int size = data.remaining() + padding;
        if (size == 0 && !endStream) {
            spend(Kind.EMPTY_FRAME, "empty DATA");
        }
        if (size > recvWindow) {
            throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR,
                    "DATA of " + size + " bytes past the connection window of " + recvWindow);
        }
        recvWindow -= size;
        Http2Stream s = streams.get(streamId);
        if (s == null || s.remoteClosed()) {
            consumed(size); // the bytes are dropped: the connection window gets them back at once
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
            consumed(size);
            resetStream(streamId, Http2Error.FLOW_CONTROL_ERROR, "DATA past the stream window");
            return;
        }
        s.recvWindow -= size;
        s.received += data.remaining();
        if (s.declaredLength >= 0 && (s.received > s.declaredLength || endStream && s.received != s.declaredLength)) {
            consumed(size);
            resetStream(streamId, Http2Error.PROTOCOL_ERROR, "DATA does not add up to content-length");
            return;
        }
        if (s.dispatched) {
            // Answered before its body came (a refusal): the rest is dropped.
            consumed(size);
        } else if (s.received > s.bodyLimit) {
            consumed(size);
            refuse(s, new HttpException(413, "body over the limit of " + s.bodyLimit + " bytes"));
            return;
        } else if (data.hasRemaining()) {
            int n = data.remaining();
            if (!ctx.connection().budget().reserve(n)) {
                ctx.connection().budget().release(n);
                consumed(size);
                if (ctx.connection().budget().countShed()) {
                    log.warn("{}: memory budget spent ({}); refusing request bodies with 503 (logged at most once a "
                            + "minute)", ctx.connection(), ctx.connection().budget());
                }
                refuse(s, new HttpException(503, "the server has no memory left for request bodies; try again later"));
                return;
            }
            s.reserved += n;
            buffered += n;
            s.append(data);
            consumed(size);
        } else {
            consumed(size);
        }
        if (endStream) {
            s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
            if (!s.dispatched) {
                dispatch(s, null);
            }
        } else if (!s.dispatched) {
            s.recvUnacked += size;
            if (s.recvUnacked >= local.initialWindowSize() / 2) {
                writer.windowUpdate(s.id, s.recvUnacked);
                s.recvWindow += s.recvUnacked;
                s.recvUnacked = 0;
            }
        }
    }

    /** {@code n} bytes of DATA were taken off the connection window: give them back once half the window is used. */
    private void consumed(int n) {
        recvUnacked += n;
        replenish();
    }

    private void replenish() {
        if (recvUnacked >= limits.connectionWindow() / 2 && buffered < limits.maxBufferedBodies()
                && state != State.CLOSED) {
            writer.windowUpdate(0, recvUnacked);
            recvWindow += recvUnacked;
            recvUnacked = 0;
        }
    }

    // Header blocks

    private void headerBlock(int streamId, ByteBuffer block, boolean endStream) {
        Http2Stream s = streams.get(streamId);
        if (s != null) {
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
                : Math.max(DEFAULT_WINDOW, local.initialWindowSize());
        s = new Http2Stream(streamId, peer.initialWindowSize(), initialRecv);
        streams.put(streamId, s);
        HttpRequest request = HttpAccess.get().request(fields.method, fields.path, HttpVersion.HTTP_2, fields.headers,
                ctx.connection());
        s.request = request;
        s.head = fields.method.equals("HEAD");
        s.declaredLength = fields.contentLength;
        s.exchange = new Http2Exchange(this, s, request, loop);
        if (tooLarge || fields.tooMany) {
            s.state = endStream ? Http2Stream.State.HALF_CLOSED_REMOTE : Http2Stream.State.OPEN;
            refuse(s, new HttpException(431, "header list over the limit"));
            return;
        }
        if (endStream) {
            s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
            if (s.declaredLength > 0) {
                resetStream(streamId, Http2Error.PROTOCOL_ERROR, "content-length without DATA");
                return;
            }
            dispatch(s, null);
            return;
        }
        BodyPolicy policy = service.handler().bodyPolicy(request);
        s.bodyLimit = Math.min(policy.maxBytes(http), Math.min(http.maxBody(), BodyPolicy.MAX_WHOLE));
        if (s.declaredLength > s.bodyLimit) {
            refuse(s, new HttpException(413, "declared body of " + s.declaredLength + " bytes over the limit of "
                    + s.bodyLimit));
        } else if (request.headers().containsToken("expect", "100-continue")) {
            sender.informational(streamId, 100); // the client may send its body (RFC 9110 section 10.1.1)
        }
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
        s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        if (!s.dispatched) {
            dispatch(s, fields.headers);
        }
    }

    private void dispatch(Http2Stream s, HttpHeaders trailers) {
        s.dispatched = true;
        HttpAccess.get().body(s.request, s.takeBody(), trailers);
        try {
            service.handler().handle(s.request, s.exchange);
        } catch (Throwable t) {
            s.exchange.fail(t);
        }
    }

    /** The server answers the stream itself (413, 431, 503 ...). */
    private void refuse(Http2Stream s, HttpException e) {
        log.debug("{}: refusing {} with {}: {}", ctx.connection(), s, e.status(), e.getMessage());
        s.dispatched = true;
        releaseBody(s);
        if (s.exchange.claimByServer()) {
            answer(s.exchange, errorAnswer(s.request, e), null, -1);
        }
    }

    HttpResponse errorAnswer(HttpRequest request, HttpException e) {
        return HttpAccess.get().errorAnswer(service, request, e);
    }

    // Answers, on the loop

    /**
     * Sends the head of an answer, and its body when whole ({@code body} null) or starts the streamed one.
     *
     * @param length the announced length of a streamed body, or -1
     */
    void answer(Http2Exchange x, HttpResponse response, Http2ResponseStream body, long length) {
        assert loop.inLoop();
        Http2Stream s = x.stream;
        if (x.dead || streams.get(s.id) != s) {
            if (body != null) {
                body.cut();
            }
            return;
        }
        byte[] bytes = body == null ? response.body() : null;
        boolean hasBody = Http2Sender.hasBody(response.status()) && !s.head;
        long contentLength = body == null ? bytes.length : length;
        boolean empty = body == null && (!hasBody || bytes.length == 0);
        if (!sender.head(s.id, response, hasBody || s.head ? contentLength : -1, empty)) {
            if (body != null) {
                body.cut();
            }
            resetStream(s.id, Http2Error.INTERNAL_ERROR, "the answer's head is over the client's header list limit");
            return;
        }
        s.headersSent = true;
        releaseBody(s);
        if (body != null) {
            s.stream = body;
        } else if (empty) {
            localEnd(s);
        } else {
            s.pending = ByteBuffer.wrap(bytes);
            s.pendingEnd = true;
            sender.queue(s);
            sender.send();
        }
    }

    /** A chunk of a streamed answer. */
    void streamData(Http2Exchange x, byte[] bytes) {
        assert loop.inLoop();
        Http2Stream s = x.stream;
        if (x.dead || s.stream == null) {
            return;
        }
        if (s.head) {
            s.stream.left(bytes.length);
            return;
        }
        ByteBuffer chunk = ByteBuffer.wrap(bytes);
        if (s.pending == null) {
            s.pending = chunk;
        } else {
            ByteBuffer joined = ByteBuffer.allocate(s.pending.remaining() + bytes.length);
            joined.put(s.pending).put(chunk).flip();
            s.pending = joined;
        }
        sender.queue(s);
        sender.send();
    }

    /** The end of a streamed answer, with its trailers. */
    void streamEnd(Http2Exchange x, HttpHeaders trailers) {
        assert loop.inLoop();
        Http2Stream s = x.stream;
        if (x.dead || s.stream == null) {
            return;
        }
        if (trailers != null && trailers.size() > 0 && !s.head) {
            s.trailers = trailers;
        }
        s.pendingEnd = true;
        if (s.pending == null) {
            s.pending = ByteBuffer.allocate(0);
        }
        sender.queue(s);
        sender.send();
    }

    /** A streamed answer cut short, or a handler that failed after answering: RST_STREAM INTERNAL_ERROR. */
    void cut(Http2Exchange x) {
        assert loop.inLoop();
        Http2Stream s = x.stream;
        if (!x.dead && streams.get(s.id) == s) {
            writer.rstStream(s.id, Http2Error.INTERNAL_ERROR);
            closedStreams.closed(s.id, ClosedStreams.RESET_BY_US);
            forget(s);
            maybeFinish();
        }
    }

    /** The server ended its side of {@code s}: the stream closes, at once if the client had ended its own. */
    void localEnd(Http2Stream s) {
        if (s.remoteClosed()) {
            closedStreams.closed(s.id, ClosedStreams.ENDED);
            forget(s);
            maybeFinish();
            return;
        }
        // Answered before the whole request came: RFC 9113 section 8.1 lets the server stop the upload so.
        writer.rstStream(s.id, Http2Error.NO_ERROR);
        closedStreams.closed(s.id, ClosedStreams.RESET_BY_US);
        forget(s);
        maybeFinish();
    }

    // Errors and the end

    /** Resets a stream because of what the client sent: counted against the reset budget (MadeYouReset). */
    private void resetStream(int id, Http2Error code, String why) {
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
            becameIdle();
        }
        releaseBody(s);
        s.pending = null;
        if (s.exchange != null) {
            s.exchange.dead = true;
        }
        if (s.stream != null) {
            s.stream.cut();
        }
    }

    private void releaseBody(Http2Stream s) {
        if (s.reserved > 0) {
            ctx.connection().budget().release(s.reserved);
            buffered -= s.reserved;
            s.reserved = 0;
            s.body = null;
            replenish();
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
        for (Http2Stream s : new ArrayList<>(streams.values())) {
            forget(s);
        }
        sender.stop();
        ctx.connection().close();
    }

    /** No stream is open: the connection is closed if none opens within {@link HttpConfig#keepAliveTimeout()}. */
    private void becameIdle() {
        idleSince = loop.nanoTime();
        if (idleTimer == null && state != State.CLOSED) {
            idleTimer = loop.schedule(this::idleCheck, http.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void idleCheck() {
        idleTimer = null;
        if (state == State.CLOSED || !streams.isEmpty()) {
            return; // armed again when the last stream closes
        }
        long left = idleSince + http.keepAliveTimeout().toNanos() - loop.nanoTime();
        if (left > 0) {
            idleTimer = loop.schedule(this::idleCheck, left, TimeUnit.NANOSECONDS);
            return;
        }
        log.debug("{}: no stream for {}; closing", ctx.connection(), http.keepAliveTimeout());
        goAway();
    }

    private void settingsTimedOut() {
        settingsTimer = null;
        if (state == State.CLOSED || settingsAcked && state != State.STARTING) {
            return;
        }
        connectionError(Http2Error.SETTINGS_TIMEOUT, state == State.STARTING ? "no preface and SETTINGS in time"
                : "our SETTINGS were not acknowledged in time");
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
