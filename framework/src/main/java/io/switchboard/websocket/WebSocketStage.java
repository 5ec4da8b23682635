package io.switchboard.websocket;

import io.switchboard.internal.Cumulation;
import io.switchboard.internal.jfr.FlightEvents;
import io.switchboard.internal.jfr.WebSocketSessionEvent;
import io.switchboard.loop.Scheduled;
import io.switchboard.pipeline.Connection;
import io.switchboard.pipeline.GracefulClose;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket protocol (RFC 6455, with permessage-deflate of RFC 7692) as a pipeline stage on a connection whose
 * handshake is done: it reads frames, hands whole messages to a {@link WebSocketHandler}, and frames what the handler
 * sends through its {@link WebSocket}.
 *
 * <pre>
 *   socket ─▶ [TLS] ─▶ [WebSocketStage: frames ▶ unmask/inflate ▶ UTF-8 check ▶ messages] ─▶ WebSocketHandler
 *   socket ◀─ [TLS] ◀─ [WebSocketStage: messages ▶ deflate ▶ frames (masked by a client)] ◀─ WebSocket.send…
 * </pre>
 *
 * <p><b>Joining a connection.</b> Add the stage where the HTTP handler was once the 101 answer has left (or, for a
 * client, once the server's answer was read), then hand it the bytes read after the handshake as an ordinary read:
 * {@code pipeline.replace(http, stage)} and {@code context.fireRead(rest)} from the old handler's context. The
 * handler's {@link WebSocketHandler#onOpen} runs before any message: at {@code connected} for a stage that is part of
 * the pipeline from the start, else at the first bytes handed to it or the loop's next turn, whichever comes first.
 * A stage added behind other handlers ({@link io.switchboard.lifecycle.IdleDetector}, say) works as well.
 *
 * <p><b>Reading.</b> See {@link FrameReader} for the frame rules and limits, and {@link WebSocketConfig} for the
 * limits' defaults. A frame's payload is unmasked (and inflated) as it arrives into an array the loop lends; only a
 * message still incomplete when the read ends gets an array of its own, counted against the connection's
 * {@link io.switchboard.pipeline.MemoryBudget} past 8 KiB. A ping is answered with a pong of the same payload at once.
 * While the connection is over its high watermark (the peer does not read what it is sent), the stage stops between
 * frames and keeps the rest of the read until the connection is writable again, as {@link io.switchboard.codec.Decoder}
 * does, so pings and echoes cannot pile up answers without bound.
 *
 * <p><b>Closing.</b> When the peer's close frame arrives, its status is checked (see {@link CloseStatus}), the close
 * is echoed with the same status and the handler told; a server then closes the connection, a client waits for the
 * server to close it (at most {@link WebSocketConfig#closeTimeout()}). {@link WebSocket#close} sends a close frame and
 * waits for the peer's for the close timeout; a {@link GracefulClose} (a server shutting down) does the same with
 * {@link CloseStatus#GOING_AWAY}. A protocol error or a limit fails the connection: the close frame with its status,
 * then the connection closes without waiting. {@link Connection#close()} and other closes from later handlers send a
 * close frame with {@link CloseStatus#GOING_AWAY} and close without waiting. Nothing is sent after a close frame, and
 * messages that arrive after this side's close frame are dropped.
 *
 * <p><b>Writing from the pipeline.</b> A later handler, or {@link Connection#write}, may write a {@code String} (a
 * text message), a {@code byte[]} or {@link ByteBuffer} (a binary message), a {@link WebSocketFrame} (a message
 * framed once for many connections), or {@link #PING} or {@link #PONG}; so a
 * {@link io.switchboard.lifecycle.ConnectionGroup} broadcasts to WebSocket connections, and a
 * {@link io.switchboard.lifecycle.Heartbeat} made with {@code PING} and {@code PONG}, after an
 * {@link io.switchboard.lifecycle.IdleDetector}, pings an idle peer and closes a silent one.
 *
 * <p>Loop thread only; one per connection, made by {@link #server} or {@link #client}.
 */
public final class WebSocketStage implements Handler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketStage.class);
    private static final byte[] EMPTY = new byte[0];

    /** Written to a WebSocket connection, sends a ping with an empty payload. */
    public static final Object PING = Control.PING;
    /** Written to a WebSocket connection, sends an unsolicited pong with an empty payload. */
    public static final Object PONG = Control.PONG;

    /** The control frames the pipeline may ask for. */
    private enum Control { PING, PONG }

    /** Where the closing handshake stands. */
    private enum State {
        /** Messages flow both ways. */
        OPEN,
        /** Our close frame left; the peer's is awaited (for the close timeout). Its messages are dropped. */
        CLOSE_SENT,
        /** The close frames crossed, or the connection failed or ended: nothing more is sent or read. */
        CLOSED
    }

    private final WebSocketHandler handler;
    private final WebSocketConfig config;
    private final PerMessageDeflate deflate;
    private final boolean client;
    private final Cumulation cumulation = new Cumulation();

    private HandlerContext ctx;
    private Endpoint endpoint;
    private FrameReader reader;
    private Sender sender;
    private MessageBuffer message;
    /** Null when permessage-deflate was not agreed. */
    private Compression compression;

    private volatile State state = State.OPEN;
    private boolean opened;
    private boolean closeReported;
    /** True once this side failed the connection: the status it sent is what the handler is told. */
    private int failStatus = CloseStatus.ABNORMAL;
    private String failReason = "";
    /** True while frames are being read, so that an event fired from inside does not start another read. */
    private boolean reading;
    /** True from a {@code writabilityChanged(false)} until the next {@code writabilityChanged(true)}. */
    private boolean overLimit;
    /** True while bytes are kept unread because the connection is over its high watermark. */
    private boolean paused;
    private boolean inputClosedHeld;
    /** Sends in progress: a writability change fired from inside one is handled when it ends. */
    private int sending;
    /** A writability change held while sending: 0 none, else 1 for false and 2 for true. */
    private int heldWritability;
    private Scheduled closeTimer;
    private String subprotocol;
    /** Where the session is counted, or null. */
    private WebSocketCounters counters;
    /** The session's recording event, begun at the open while a JFR recording runs; else null. */
    private WebSocketSessionEvent session;

    private WebSocketStage(WebSocketHandler handler, WebSocketConfig config, PerMessageDeflate deflate, boolean client) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.config = Objects.requireNonNull(config, "config");
        this.deflate = deflate;
        this.client = client;
    }

    /**
     * The server side: expects masked frames, sends unmasked ones.
     *
     * @param handler the application's callbacks for this connection
     * @param config  limits and timeouts; its {@link WebSocketConfig#deflate()} options (or their defaults) compress
     * @param deflate the permessage-deflate parameters agreed in the handshake ({@link PerMessageDeflate#negotiate}),
     *                or null when none were
     * @return a new stage, for one connection
     */
    public static WebSocketStage server(WebSocketHandler handler, WebSocketConfig config, PerMessageDeflate deflate) {
        return new WebSocketStage(handler, config, deflate, false);
    }

    /**
     * The client side: masks every frame with a fresh unpredictable key, refuses masked frames.
     *
     * @param handler the application's callbacks for this connection
     * @param config  limits and timeouts; its {@link WebSocketConfig#deflate()} options (or their defaults) compress
     * @param deflate the permessage-deflate parameters the server agreed to ({@link PerMessageDeflate#fromResponse}),
     *                or null when none
     * @return a new stage, for one connection
     */
    public static WebSocketStage client(WebSocketHandler handler, WebSocketConfig config, PerMessageDeflate deflate) {
        return new WebSocketStage(handler, config, deflate, true);
    }

    /**
     * Records the subprotocol agreed in the handshake, for {@link WebSocket#subprotocol()}. Before the stage joins
     * its pipeline.
     *
     * @param name the subprotocol, or null for none
     * @return this stage
     */
    public WebSocketStage subprotocol(String name) {
        this.subprotocol = name;
        return this;
    }

    String subprotocol() {
        return subprotocol;
    }

    /** Counts the session's open and close in {@code counters}; returns this stage. */
    WebSocketStage counters(WebSocketCounters counters) {
        this.counters = counters;
        return this;
    }

    /** {@return the application's handle on this connection; null until the stage joins a pipeline} */
    public WebSocket webSocket() {
        return endpoint;
    }

    // Events.

    @Override
    public void added(HandlerContext ctx) {
        this.ctx = ctx;
        Scratch scratch = Scratch.of(ctx.loop());
        Connection connection = ctx.connection();
        message = new MessageBuffer(scratch, connection.budget(), config.maxMessageSize());
        if (deflate != null) {
            DeflateOptions options = config.deflate() != null ? config.deflate() : DeflateOptions.DEFAULTS;
            compression = Compression.of(deflate, options, client, scratch, connection);
        }
        reader = new FrameReader(!client, config.maxFramePayload(), config.maxMessageSize(), message,
                compression != null ? compression.inflater : null, new Events());
        sender = new Sender(scratch, client, compression != null ? compression.deflater : null,
                compression != null ? compression.threshold : 0);
        endpoint = new Endpoint(this, connection);
        ctx.loop().execute(this::open);
    }

    @Override
    public void removed(HandlerContext ctx) {
        release();
    }

    @Override
    public void connected(HandlerContext ctx) {
        open();
        ctx.fireConnected();
    }

    @Override
    public void read(HandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuffer)) {
            ctx.fireRead(msg);
            return;
        }
        open();
        ByteBuffer bytes = (ByteBuffer) msg;
        if (state == State.CLOSED) {
            bytes.position(bytes.limit());
            return;
        }
        consume(cumulation.with(bytes));
    }

    /** Holds the peer's FIN back while bytes read before it are kept. */
    @Override
    public void inputClosed(HandlerContext ctx) {
        if (paused) {
            inputClosedHeld = true;
        } else {
            peerFinished();
        }
    }

    /** Tells the handler, and reads again the bytes kept while the connection was over its high watermark. */
    @Override
    public void writabilityChanged(HandlerContext ctx, boolean writable) {
        overLimit = !writable;
        if (sending > 0) {
            heldWritability = writable ? 2 : 1;
            return;
        }
        writable(writable);
    }

    /** Takes a {@link GracefulClose}: the closing handshake with {@link CloseStatus#GOING_AWAY}. */
    @Override
    public void userEvent(HandlerContext ctx, Object event) {
        if (event == GracefulClose.INSTANCE) {
            if (state == State.OPEN) {
                initiateClose(CloseStatus.GOING_AWAY, "going away");
            }
            return;
        }
        ctx.fireUserEvent(event);
    }

    @Override
    public void exceptionCaught(HandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketException) {
            WebSocketException e = (WebSocketException) cause;
            fail(e.status(), e.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void closed(HandlerContext ctx) {
        state = State.CLOSED;
        release();
        report(failStatus, failReason);
        ctx.fireClosed();
    }

    @Override
    public void write(HandlerContext ctx, Object msg) {
        if (msg instanceof String) {
            sendText((String) msg, true);
        } else if (msg instanceof byte[]) {
            byte[] bytes = (byte[]) msg;
            sendBinary(bytes, 0, bytes.length, true);
        } else if (msg instanceof ByteBuffer) {
            sendBinary((ByteBuffer) msg, true);
        } else if (msg instanceof WebSocketFrame) {
            sendFrame((WebSocketFrame) msg);
        } else if (msg == Control.PING) {
            sendControl(Opcode.PING, EMPTY, 0);
        } else if (msg == Control.PONG) {
            sendControl(Opcode.PONG, EMPTY, 0);
        } else {
            ctx.write(msg);
        }
    }

    /** A close asked for by a later handler or the connection: a close frame, then the close, without waiting. */
    @Override
    public void close(HandlerContext ctx) {
        if (state == State.OPEN) {
            state = State.CLOSED;
            reader.discard();
            sendClose(CloseStatus.GOING_AWAY, "");
        }
        ctx.close();
    }

    /** A half-close: the closing handshake with {@link CloseStatus#NORMAL}, reading on until the peer's close. */
    @Override
    public void shutdownOutput(HandlerContext ctx) {
        initiateClose(CloseStatus.NORMAL, "");
    }

    // What the handle asks for, on the loop.

    boolean isOpen() {
        return state == State.OPEN;
    }

    void sendText(String text, boolean last) {
        assert ctx.loop().inLoop();
        if (canSend()) {
            sending++;
            try {
                sender.text(ctx, text, last, now());
            } finally {
                sent();
            }
        }
    }

    void sendBinary(byte[] data, int offset, int length, boolean last) {
        assert ctx.loop().inLoop();
        if (canSend()) {
            sending++;
            try {
                sender.binary(ctx, data, offset, length, last, now());
            } finally {
                sent();
            }
        }
    }

    void sendBinary(ByteBuffer data, boolean last) {
        assert ctx.loop().inLoop();
        if (canSend()) {
            sending++;
            try {
                sender.binary(ctx, data, last, now());
            } finally {
                sent();
            }
        }
    }

    void sendFrame(WebSocketFrame frame) {
        assert ctx.loop().inLoop();
        if (canSend()) {
            sending++;
            try {
                sender.frame(ctx, frame, now());
            } finally {
                sent();
            }
        }
    }

    void sendControl(int opcode, byte[] payload, int length) {
        assert ctx.loop().inLoop();
        if (canSend()) {
            sending++;
            try {
                sender.control(ctx, opcode, payload, 0, length);
            } finally {
                sent();
            }
        }
    }

    void closeByApplication(int status, String reason) {
        assert ctx.loop().inLoop();
        initiateClose(status, reason);
    }

    // Internals.

    private void open() {
        if (opened || state != State.OPEN || ctx.isRemoved() || !ctx.connection().isOpen()) {
            return;
        }
        opened = true;
        if (counters != null) {
            counters.opened.increment();
        }
        if (FlightEvents.webSocketSession()) {
            session = new WebSocketSessionEvent();
            session.begin();
        }
        try {
            handler.onOpen(endpoint);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /** Reads frames from {@code in} until it runs out, the WebSocket closes or the connection goes over its limit. */
    private void consume(ByteBuffer in) {
        Connection connection = ctx.connection();
        long now = compression != null ? ctx.loop().nanoTime() : 0;
        reading = true;
        try {
            while (in.hasRemaining() && state != State.CLOSED && connection.isOpen()) {
                if (overLimit && !connection.isWritable()) {
                    paused = true;
                    break;
                }
                if (!step(in, now)) {
                    break;
                }
            }
            if (state != State.CLOSED) {
                reader.endOfRead();
            }
        } catch (WebSocketException e) {
            fail(e.status(), e.getMessage());
        } finally {
            reading = false;
        }
        if (state == State.CLOSED || !connection.isOpen() || ctx.isRemoved()) {
            cumulation.take();
        } else {
            cumulation.done(in);
        }
    }

    /**
     * One step of the reader. A message over the limit is refused with the closing handshake, not a failure: our
     * 1009 goes out, the rest of the message is dropped as it arrives (no memory, for at most the close timeout), and
     * the connection closes on the peer's close frame. Closing at once would leave the peer's bytes unread, so the
     * kernel would reset the connection, and a reset can overtake the 1009: the peer would see an abnormal close
     * (1006) instead of being told why.
     */
    private boolean step(ByteBuffer in, long now) {
        try {
            return reader.step(in, now);
        } catch (WebSocketException e) {
            if (e.status() != CloseStatus.MESSAGE_TOO_BIG || state != State.OPEN) {
                throw e;
            }
            initiateClose(e.status(), e.getMessage());
            report(e.status(), e.getMessage()); // the handler learns why now, not from the peer's answer
            return true; // the reader, discarding now, takes the same frame again and drops it
        }
    }

    private void writable(boolean writable) {
        if (opened && !closeReported) {
            try {
                handler.onWritabilityChanged(endpoint, writable);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }
        ctx.fireWritabilityChanged(writable);
        if (writable && paused && !reading && !ctx.isRemoved()) {
            paused = false;
            ByteBuffer kept = cumulation.kept();
            if (kept != null) {
                consume(kept);
            }
            if (!paused && inputClosedHeld) {
                inputClosedHeld = false;
                peerFinished();
            }
        }
    }

    /** The peer sent its FIN: after the closing handshake, the end a client waits for; before it, an abnormal end. */
    private void peerFinished() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            reader.discard();
        }
        ctx.close();
    }

    private boolean canSend() {
        if (state == State.OPEN && ctx.connection().isOpen()) {
            return true;
        }
        log.debug("{}: send after the WebSocket closed; dropped", ctx.connection());
        return false;
    }

    private void sent() {
        if (--sending == 0) {
            if (compression != null) {
                compression.used();
            }
            if (heldWritability != 0) {
                boolean writable = heldWritability == 2;
                heldWritability = 0;
                writable(writable);
            }
        }
    }

    private long now() {
        return compression != null ? ctx.loop().nanoTime() : 0;
    }

    /** Sends a close frame, whatever the state (the caller decided), if the connection still takes writes. */
    private void sendClose(int status, String reason) {
        if (!ctx.connection().isOpen()) {
            return;
        }
        sending++;
        try {
            sender.close(ctx, status, reason);
        } finally {
            sent();
        }
    }

    private void initiateClose(int status, String reason) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSE_SENT;
        reader.discard();
        sendClose(status, reason);
        if (state == State.CLOSE_SENT) {
            closeTimer = ctx.loop().schedule(this::closeTimedOut, config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void closeReceived(int status, String reason) {
        State was = state;
        state = State.CLOSED;
        reader.discard();
        if (was == State.OPEN) {
            sendClose(status, "");
        }
        cancelCloseTimer();
        report(status, reason);
        if (client && ctx.connection().isOpen()) {
            closeTimer = ctx.loop().schedule(this::closeTimedOut, config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            ctx.close();
        }
    }

    private void closeTimedOut() {
        closeTimer = null;
        if (!ctx.connection().isOpen()) {
            return;
        }
        log.debug("{}: no {} within {}; closing", ctx.connection(),
                state == State.CLOSE_SENT ? "close frame from the peer" : "close from the server", config.closeTimeout());
        state = State.CLOSED;
        ctx.close();
    }

    /** Fails the connection (RFC 6455 section 7.1.7): our close frame with {@code status}, then the close. */
    private void fail(int status, String reason) {
        if (!failWithoutClosing(status, reason)) {
            return;
        }
        ctx.close();
    }

    /** @return false when the WebSocket had closed already */
    private boolean failWithoutClosing(int status, String reason) {
        if (state == State.CLOSED) {
            return false;
        }
        boolean sendFrame = state == State.OPEN;
        state = State.CLOSED;
        reader.discard();
        cancelCloseTimer();
        log.debug("{}: failing the WebSocket with {}: {}", ctx.connection(), status, reason);
        if (sendFrame) {
            sendClose(status, reason);
        }
        failStatus = status;
        failReason = reason;
        report(status, reason);
        return true;
    }

    /**
     * A handler callback threw: a {@link WebSocketException} closes with its status; anything else closes with
     * {@link CloseStatus#INTERNAL_ERROR} and goes on to the pipeline's end, which logs it once.
     */
    private void handlerFailed(Throwable t) {
        if (t instanceof WebSocketException) {
            WebSocketException e = (WebSocketException) t;
            fail(e.status(), e.getMessage());
            return;
        }
        failWithoutClosing(CloseStatus.INTERNAL_ERROR, "internal error");
        ctx.fireExceptionCaught(t);
        ctx.close();
    }

    private void report(int status, String reason) {
        if (!opened || closeReported) {
            return;
        }
        closeReported = true;
        if (counters != null) {
            counters.closed.increment();
        }
        recordSession(status, reason);
        try {
            handler.onClose(endpoint, status, reason);
        } catch (Throwable t) {
            ctx.fireExceptionCaught(t);
        }
    }

    /** Commits the session's recording event: begun at the open, or, for a session opened before the recording, now. */
    private void recordSession(int status, String reason) {
        WebSocketSessionEvent e = session;
        session = null;
        if (e == null) {
            if (!FlightEvents.webSocketSession()) {
                return;
            }
            e = new WebSocketSessionEvent();
        }
        if (e.shouldCommit()) {
            e.remoteAddress = FlightEvents.text(ctx.connection().remoteAddress());
            e.client = client;
            e.subprotocol = FlightEvents.text(subprotocol);
            e.compressed = compression != null;
            e.closeStatus = status;
            e.closeReason = FlightEvents.text(reason);
            e.commit();
        }
    }

    private void cancelCloseTimer() {
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
    }

    /** Lets go of everything the connection holds: kept bytes, the message being read, zlib's memory, timers. */
    private void release() {
        cancelCloseTimer();
        if (reader != null) {
            reader.discard();
        }
        cumulation.take();
        if (compression != null) {
            compression.release();
        }
    }

    /** {@return true while the deflater holds its native memory} For tests. */
    boolean deflaterHeld() {
        return compression != null && compression.deflaterHeld();
    }

    /** {@return true while the inflater holds its native memory} For tests. */
    boolean inflaterHeld() {
        return compression != null && compression.inflaterHeld();
    }

    /** {@return the bytes of the message being read that count against the budget} For tests. */
    long messageBytesCounted() {
        return message.counted();
    }

    /** Frames and messages from the reader, to the handler. */
    private final class Events implements FrameReader.Listener {
        @Override
        public void text(String text) {
            if (compression != null) {
                compression.used();
            }
            try {
                handler.onText(endpoint, text);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }

        @Override
        public void binary(ByteBuffer data) {
            if (compression != null) {
                compression.used();
            }
            try {
                handler.onBinary(endpoint, data);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }

        @Override
        public void ping(ByteBuffer payload) {
            if (state != State.OPEN) {
                return;
            }
            sendControl(Opcode.PONG, payload.array(), payload.remaining());
            try {
                handler.onPing(endpoint, payload);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }

        @Override
        public void pong(ByteBuffer payload) {
            if (state != State.OPEN) {
                return;
            }
            try {
                handler.onPong(endpoint, payload);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        }

        @Override
        public void close(int status, String reason) {
            closeReceived(status, reason);
        }
    }
}
