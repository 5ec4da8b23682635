package io.switchboard.http2;

import io.switchboard.http2.hpack.HpackDecoder;
import io.switchboard.http2.hpack.HpackException;
import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.tls.TlsHandshakeCompleted;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one HTTP/2 connection: the pipeline handler that speaks the frames for an
 * {@link Http2ClientConnection}. It sends the preface, its SETTINGS and a WINDOW_UPDATE that opens the connection
 * window, waits for the server's SETTINGS (the connection is open then), opens a stream per request while fewer than
 * the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} are open and queues the others, sends bodies within the
 * server's windows ({@link Http2ClientSender}), gathers each answer, and gives the bytes back with WINDOW_UPDATE
 * as they arrive. Callbacks run after the stream's state is settled, so a callback may send the next request at
 * once. Loop thread only; one per connection.
 */
final class Http2ClientHandler implements Handler, Http2FrameReader.Listener {
    private static final Logger log = LoggerFactory.getLogger(Http2ClientHandler.class);
    private static final int DEFAULT_WINDOW = 65_535;

    /** Where the connection is in its life. */
    private enum State { CONNECTING, AWAITING_SETTINGS, OPEN, GOING_AWAY, CLOSED }

    private final Http2Client client;
    private final boolean tls;
    private final String authority;
    private final CompletableFuture<Http2ClientConnection> opened;
    private final Http2Settings local;
    private final Http2FrameReader reader;
    private final HpackDecoder decoder;
    private final ResponseFields fields = new ResponseFields();
    private final Map<Integer, Http2ClientStream> streams = new HashMap<>();
    /** Requests waiting for a stream: the server's concurrency limit was reached. */
    private final ArrayDeque<Http2ClientStream> waiting = new ArrayDeque<>();

    private HandlerContext ctx;
    private EventLoop loop;
    private Http2FrameWriter writer;
    private Http2ClientSender sender;
    private Http2ClientConnection connection;
    private State state = State.CONNECTING;
    private Http2Settings peer = Http2Settings.DEFAULTS;
    private Scheduled settingsTimer;
    private boolean firstBytes = true;
    private int nextStreamId = 1;
    private int recvWindow = DEFAULT_WINDOW;
    private int recvUnacked;
    /** Streams open: opened and not both ended, nor reset. */
    private int active;
    /** The failure that ends the connection, for the requests it fails; null while none. */
    private Throwable failure;

    /** The field block being gathered from HEADERS and CONTINUATION frames. */
    private boolean blockEndStream;
    private byte[] blockBytes;
    private int blockLength;

    Http2ClientHandler(Http2Client client, boolean tls, String authority,
                       CompletableFuture<Http2ClientConnection> opened) {
        this.client = client;
        this.tls = tls;
        this.authority = authority;
        this.opened = opened;
        this.local = client.localSettings();
        this.reader = new Http2FrameReader(false, Http2Config.DEFAULTS.withSettings(local), this);
        this.decoder = new HpackDecoder(client.maxHeaderListSize());
    }

    // Pipeline events

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        this.loop = ctx.loop();
        this.writer = new Http2FrameWriter(ctx::write);
        this.sender = new Http2ClientSender(writer, ctx.connection(), tls, authority);
        this.connection = new Http2ClientConnection(this, ctx.connection(), tls);
        settingsTimer = loop.schedule(this::settingsTimedOut, client.settingsTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void connected(HandlerContext ctx) {
        if (!tls) {
            start();
        }
        ctx.fireConnected();
    }

    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event instanceof TlsHandshakeCompleted done) {
            if (!Http2Server.ALPN.equals(done.applicationProtocol())) {
                fail(new ProtocolException("the server did not choose h2 by ALPN (it chose "
                        + (done.applicationProtocol() == null ? "no protocol" : done.applicationProtocol())
                        + "): it does not speak HTTP/2 over TLS"));
                return;
            }
            start();
        }
        ctx.fireUserEvent(event);
    }

    /** Sends the preface, our SETTINGS and the connection window's opening; then waits for the server's SETTINGS. */
    private void start() {
        assert loop.inLoop();
        state = State.AWAITING_SETTINGS;
        writer.preface();
        writer.settings(local);
        if (client.connectionWindow() > DEFAULT_WINDOW) {
            writer.windowUpdate(0, client.connectionWindow() - DEFAULT_WINDOW);
            recvWindow = client.connectionWindow();
        }
        ctx.flush();
    }

    @Override
    public void read(HandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuffer in)) {
            ctx.fireRead(message);
            return;
        }
        if (state == State.CLOSED || state == State.CONNECTING) {
            in.position(in.limit());
            return;
        }
        if (firstBytes && in.hasRemaining()) {
            firstBytes = false;
            if (in.get(in.position()) != 0) { // a first frame (SETTINGS, at most 16 KiB) starts with a zero byte
                fail(new ProtocolException("the server does not speak HTTP/2" + (tls ? "" : " with prior knowledge")
                        + ": it answered " + firstLine(in)));
                return;
            }
        }
        try {
            reader.read(in);
        } catch (Http2Exception e) {
            connectionError(e);
        }
    }

    @Override
    public void inputClosed(HandlerContext ctx) {
        fail(new IOException(state == State.AWAITING_SETTINGS
                ? "the server closed the connection before its SETTINGS: it does not speak HTTP/2?"
                : "the server closed the connection"));
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.connection(), cause.toString());
        fail(cause);
    }

    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) {
        if (writable && state != State.CLOSED) {
            sender.send();
        }
        ctx.fireWritabilityChanged(writable);
    }

    @Override
    public void closed(HandlerContext ctx) {
        if (failure == null) {
            failure = new IOException(state == State.AWAITING_SETTINGS || state == State.CONNECTING
                    ? "the connection closed before the server's SETTINGS" : "the connection closed");
        }
        state = State.CLOSED;
        if (settingsTimer != null) {
            settingsTimer.cancel();
        }
        reader.release();
        opened.completeExceptionally(failure);
        failAll(failure);
        ctx.fireClosed();
    }

    // Requests, on the loop

    /** Sends a request now, or queues it behind the server's concurrency limit. */
    void send(Http2Request request, BiConsumer<? super Http2Response, ? super Throwable> callback) {
        assert loop.inLoop();
        Http2ClientStream s = new Http2ClientStream(request, callback);
        if (state != State.OPEN) {
            s.fail(new Http2RequestException(state == State.GOING_AWAY ? "the server sent GOAWAY: the connection "
                    + "takes no new request" : "the connection is closed", null, true, failure));
            return;
        }
        if (active >= peer.maxConcurrentStreams() || !waiting.isEmpty()) {
            if (waiting.size() >= client.maxWaitingRequests()) {
                s.fail(new Http2RequestException(client.maxWaitingRequests() + " requests already wait for one of "
                        + "the server's " + peer.maxConcurrentStreams() + " concurrent streams", null, true, null));
                return;
            }
            waiting.add(s);
            return;
        }
        open(s);
    }

    private void open(Http2ClientStream s) {
        if (nextStreamId < 0) { // past 2^31-1: the connection has used up its stream ids
            Http2RequestException spent = new Http2RequestException("the connection's stream ids are used up", null,
                    true, null);
            s.fail(spent);
            failWaiting(spent);
            state = State.GOING_AWAY;
            goingAway();
            return;
        }
        if (sender.headerListSize(s.request) > peer.maxHeaderListSize()) {
            s.fail(new Http2RequestException("the request's header list is over the server's "
                    + "SETTINGS_MAX_HEADER_LIST_SIZE of " + peer.maxHeaderListSize(), null, false, null));
            return;
        }
        s.id = nextStreamId;
        nextStreamId += 2;
        s.sendWindow = peer.initialWindowSize();
        s.recvWindow = local.initialWindowSize();
        streams.put(s.id, s);
        active++;
        sender.request(s);
    }

    /** Closes the connection now: GOAWAY, then the close; every request not answered fails. */
    void close() {
        assert loop.inLoop();
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.CONNECTING) {
            writer.goAway(0, Http2Error.NO_ERROR, null);
        }
        fail(new IOException("the connection was closed by the client"));
    }

    int activeStreams() {
        return active;
    }

    long peerMaxConcurrentStreams() {
        return peer.maxConcurrentStreams();
    }

    // Frames

    @Override
    public void onSettings(Http2Settings update) {
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
            for (Http2ClientStream s : streams.values()) {
                long window = (long) s.sendWindow + delta;
                if (window > Http2Settings.MAX_WINDOW_SIZE) {
                    throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE takes the window of stream " + s.id + " past 2^31-1");
                }
                s.sendWindow = (int) window;
                if (delta > 0) {
                    sender.queue(s);
                }
            }
        }
        writer.settingsAck();
        if (state == State.AWAITING_SETTINGS) {
            state = State.OPEN;
            settingsTimer.cancel();
            settingsTimer = null;
            opened.complete(connection);
        }
        openWaiting();
        sender.send();
    }

    @Override
    public void onSettingsAck() {
        // our settings change nothing the decoder needs to know: the table stays at 4,096 bytes
    }

    @Override
    public void onPing(long payload, boolean ack) {
        if (!ack) {
            writer.pingAck(payload);
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        Http2Error error = Http2Error.of(errorCode);
        String debug = StandardCharsets.ISO_8859_1.decode(debugData).toString();
        log.debug("{}: the server sent GOAWAY {} (last stream {}) {}", ctx.connection(), error, lastStreamId, debug);
        Http2RequestException refused = new Http2RequestException("the server sent GOAWAY " + error
                + " with last stream " + lastStreamId + " before it took this request"
                + (debug.isEmpty() ? "" : ": " + debug), error, true, null);
        if (state == State.OPEN || state == State.AWAITING_SETTINGS) {
            state = State.GOING_AWAY; // first: a callback below that sends finds the connection going away
        }
        List<Http2ClientStream> refusedStreams = new ArrayList<>();
        for (Http2ClientStream s : new ArrayList<>(streams.values())) {
            if (s.id > lastStreamId) {
                closeStream(s);
                refusedStreams.add(s);
            }
        }
        for (Http2ClientStream s : refusedStreams) {
            s.fail(refused);
        }
        failWaiting(refused);
        goingAway();
    }

    /** No new stream from now on; the connection closes once the open ones end. */
    private void goingAway() {
        if (state == State.OPEN || state == State.AWAITING_SETTINGS) {
            state = State.GOING_AWAY;
        }
        if (active == 0 && state == State.GOING_AWAY) {
            fail(new IOException("the server sent GOAWAY and every stream it took has ended"));
        }
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        if (streamId == 0) {
            if (!sender.openWindow(increment)) {
                throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR, "connection window past 2^31-1");
            }
            sender.send();
            return;
        }
        Http2ClientStream s = streams.get(streamId);
        if (s == null) {
            checkNotIdle(streamId, "WINDOW_UPDATE");
            return; // closed: ignored
        }
        if ((long) s.sendWindow + increment > Http2Settings.MAX_WINDOW_SIZE) {
            resetStream(s, Http2Error.FLOW_CONTROL_ERROR, "the server took the stream window past 2^31-1");
            return;
        }
        s.sendWindow += increment;
        sender.queue(s);
        sender.send();
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        Http2ClientStream s = streams.get(streamId);
        if (s == null) {
            checkNotIdle(streamId, "RST_STREAM");
            return;
        }
        Http2Error error = Http2Error.of(errorCode);
        if (s.remoteEnded && error == Http2Error.NO_ERROR) {
            // the answer is whole; the server asks us to stop sending the body (RFC 9113 section 8.1)
            closeStream(s);
            return;
        }
        closeStream(s);
        s.fail(new Http2RequestException("the server reset the stream with " + error, error,
                error == Http2Error.REFUSED_STREAM, null));
    }

    @Override
    public void onPriority(int streamId, int dependency, int weight, boolean exclusive) {
        // accepted and ignored (RFC 9113 section 5.3.2)
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment, boolean endHeaders) {
        throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE while SETTINGS_ENABLE_PUSH is 0");
    }

    @Override
    public void onUnknown(int type, int flags, int streamId, int length) {
        // skipped (RFC 9113 section 4.1)
    }

    @Override
    public void onStreamError(Http2Exception error) {
        Http2ClientStream s = streams.get(error.streamId());
        if (s != null) {
            resetStream(s, error.error(), error.getMessage());
        } else {
            writer.rstStream(error.streamId(), error.error());
        }
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer fragment, boolean endStream, boolean endHeaders) {
        if (endHeaders) {
            headerBlock(streamId, fragment, endStream);
            return;
        }
        blockEndStream = endStream;
        blockLength = 0;
        gather(fragment);
    }

    @Override
    public void onContinuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        gather(fragment);
        if (endHeaders) {
            ByteBuffer whole = ByteBuffer.wrap(blockBytes, 0, blockLength);
            headerBlock(streamId, whole, blockEndStream);
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

    private void headerBlock(int streamId, ByteBuffer whole, boolean endStream) {
        Http2ClientStream s = streams.get(streamId);
        if (s == null) {
            if ((streamId & 1) == 0) {
                throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, "HEADERS on server stream " + streamId
                        + " while push is off");
            }
            checkNotIdle(streamId, "HEADERS");
        }
        boolean trailers = s != null && s.status != 0;
        if (trailers) {
            fields.startTrailers();
        } else {
            fields.startHead();
        }
        boolean tooLarge = false;
        try {
            decoder.decode(whole, fields);
        } catch (HpackException e) {
            if (e.connectionError()) {
                throw Http2Exception.connection(Http2Error.COMPRESSION_ERROR, e.getMessage());
            }
            tooLarge = true;
        }
        if (s == null || s.isDone()) {
            return; // a stream we reset or that ended: decoded to keep HPACK in step, and dropped
        }
        if (s.remoteEnded) {
            resetStream(s, Http2Error.STREAM_CLOSED, "HEADERS after END_STREAM");
            return;
        }
        if (tooLarge) {
            resetStream(s, Http2Error.CANCEL, "the answer's header list is over the limit of "
                    + decoder.maxHeaderListSize() + " bytes");
            return;
        }
        String fault = fields.finish();
        if (fault != null) {
            resetStream(s, Http2Error.PROTOCOL_ERROR, "malformed answer: " + fault);
            return;
        }
        if (trailers) {
            if (!endStream) {
                resetStream(s, Http2Error.PROTOCOL_ERROR, "malformed answer: trailers without END_STREAM");
                return;
            }
            s.trailers(fields.headers);
            remoteEnd(s);
            return;
        }
        if (fields.status < 200) {
            if (fields.status == 101 || endStream) {
                resetStream(s, Http2Error.PROTOCOL_ERROR, "malformed answer: " + (fields.status == 101
                        ? "101 over HTTP/2" : "an interim answer with END_STREAM"));
            }
            return; // an interim answer: skipped
        }
        s.status = fields.status;
        s.headers = fields.headers;
        s.declaredLength = fields.contentLength;
        if (s.declaredLength > client.maxResponseBody()) {
            resetStream(s, Http2Error.CANCEL, "the answer declares " + s.declaredLength
                    + " bytes, over the limit of " + client.maxResponseBody());
            return;
        }
        if (endStream) {
            remoteEnd(s);
        }
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int padding, boolean endStream) {
        int size = data.remaining() + padding;
        if (size > recvWindow) {
            throw Http2Exception.connection(Http2Error.FLOW_CONTROL_ERROR,
                    "DATA of " + size + " bytes past the connection window of " + recvWindow);
        }
        recvWindow -= size;
        consumed(size);
        Http2ClientStream s = streams.get(streamId);
        if (s == null || s.isDone()) {
            checkNotIdle(streamId, "DATA");
            return; // a stream we reset or that ended: dropped
        }
        if (s.remoteEnded) {
            resetStream(s, Http2Error.STREAM_CLOSED, "DATA after END_STREAM");
            return;
        }
        if (s.status == 0) {
            resetStream(s, Http2Error.PROTOCOL_ERROR, "malformed answer: DATA before the final head");
            return;
        }
        if (size > s.recvWindow) {
            resetStream(s, Http2Error.FLOW_CONTROL_ERROR, "DATA past the stream window");
            return;
        }
        s.recvWindow -= size;
        int n = data.remaining();
        if ((long) s.received + n > client.maxResponseBody()) {
            resetStream(s, Http2Error.CANCEL, "the answer's body is over the limit of " + client.maxResponseBody()
                    + " bytes");
            return;
        }
        if (s.declaredLength >= 0 && (s.received + n > s.declaredLength
                || endStream && s.received + n != s.declaredLength)) {
            resetStream(s, Http2Error.PROTOCOL_ERROR, "malformed answer: DATA does not add up to content-length");
            return;
        }
        if (n > 0) {
            s.append(data);
        }
        if (endStream) {
            remoteEnd(s);
            return;
        }
        s.recvUnacked += size;
        if (s.recvUnacked >= local.initialWindowSize() / 2) {
            writer.windowUpdate(s.id, s.recvUnacked);
            s.recvWindow += s.recvUnacked;
            s.recvUnacked = 0;
        }
    }

    /** {@code n} bytes of DATA were taken off the connection window: give them back once half the window is used. */
    private void consumed(int n) {
        recvUnacked += n;
        if (recvUnacked >= client.connectionWindow() / 2) {
            writer.windowUpdate(0, recvUnacked);
            recvWindow += recvUnacked;
            recvUnacked = 0;
        }
    }

    /** A frame on a stream we never opened is a connection error (RFC 9113 section 5.1, idle streams). */
    private void checkNotIdle(int streamId, String frame) {
        if ((streamId & 1) == 0 || streamId >= nextStreamId) { // even: the server may not open streams (no push)
            throw Http2Exception.connection(Http2Error.PROTOCOL_ERROR, frame + " on idle stream " + streamId);
        }
    }

    // Streams ending

    /**
     * The answer is whole. The stream closes before the callback runs, so that a callback that sends the next
     * request (the load generator's) finds the stream free, and the waiting requests take it in order.
     */
    private void remoteEnd(Http2ClientStream s) {
        s.remoteEnded = true;
        if (!s.localEnded) {
            // answered before the whole body was sent: stop sending it (RFC 9113 section 8.1)
            writer.rstStream(s.id, Http2Error.CANCEL);
        }
        closeStream(s);
        s.complete();
    }

    /** The stream fails with {@code why}, and the server is told with RST_STREAM. */
    private void resetStream(Http2ClientStream s, Http2Error error, String why) {
        log.debug("{}: resetting {} with {}: {}", ctx.connection(), s, error, why);
        writer.rstStream(s.id, error);
        closeStream(s);
        s.fail(new Http2RequestException(why, error, false, null));
    }

    private void closeStream(Http2ClientStream s) {
        if (streams.remove(s.id) == null) {
            return;
        }
        s.pending = null;
        active--;
        if (state == State.GOING_AWAY && active == 0) {
            goingAway();
        } else {
            openWaiting();
        }
    }

    private void openWaiting() {
        while (state == State.OPEN && !waiting.isEmpty() && active < peer.maxConcurrentStreams()) {
            open(waiting.poll());
        }
    }

    // Connection ending

    private void connectionError(Http2Exception e) {
        log.debug("{}: connection error {}: {}", ctx.connection(), e.error(), e.getMessage());
        if (state != State.CLOSED) {
            writer.goAway(0, e.error(), ByteBuffer.wrap(e.getMessage().getBytes(StandardCharsets.ISO_8859_1)));
        }
        fail(e);
    }

    private void settingsTimedOut() {
        settingsTimer = null;
        if (state == State.AWAITING_SETTINGS || state == State.CONNECTING) {
            fail(new IOException("no SETTINGS from the server within " + client.settingsTimeout()
                    + ": it does not speak HTTP/2?"));
        }
    }

    /** Ends the connection: every request not answered fails with {@code cause}, and the connection closes. */
    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        opened.completeExceptionally(cause);
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        failAll(cause);
        ctx.close();
    }

    private void failAll(Throwable cause) {
        failWaiting(new Http2RequestException("not sent: " + cause.getMessage(), null, true, cause));
        Http2RequestException lost = new Http2RequestException("the connection failed: " + cause.getMessage(), null,
                false, cause);
        for (Http2ClientStream s : new ArrayList<>(streams.values())) {
            s.fail(lost);
        }
        streams.clear();
        sender.clear();
        active = 0;
    }

    private void failWaiting(Http2RequestException why) {
        while (!waiting.isEmpty()) {
            waiting.poll().fail(why);
        }
    }

    /** {@return the first line of bytes that are not HTTP/2, for the message} */
    private static String firstLine(ByteBuffer in) {
        int n = Math.min(in.remaining(), 80);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char c = (char) (in.get(in.position() + i) & 0xFF);
            if (c == '\r' || c == '\n') {
                break;
            }
            line.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return "'" + line + "'";
    }
}
