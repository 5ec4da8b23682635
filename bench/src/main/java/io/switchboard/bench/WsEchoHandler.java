package io.switchboard.bench;

import io.switchboard.websocket.WebSocket;
import io.switchboard.websocket.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket load connection ({@code ws-load}): sends a text message of {@code size} random ASCII characters,
 * waits until exactly that text came back, and sends the next; each message is a different window of the
 * connection's random pattern, so a server that replays or reorders messages is caught. A text that differs, a
 * binary message, or a message with none in flight is an error and closes the connection. Loop thread only; one
 * per connection.
 */
final class WsEchoHandler implements WebSocketHandler {
    private static final Logger log = LoggerFactory.getLogger(WsEchoHandler.class);
    /** Distinct message start offsets within the pattern. */
    private static final int OFFSETS = 4096;
    /** Step between offsets; odd, so every offset is used before one repeats. */
    private static final int STEP = 1021;
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;-".toCharArray();

    private final int size;
    private final String pattern;
    private final EchoStats stats;
    private final BooleanSupplier stopping;
    private final Runnable onClosed;
    /** The WebSocket once open, for {@link #resume()}. */
    private volatile WebSocket socket;
    private int offset;
    private String inFlight;
    private long sentAt;
    private boolean failed;

    /**
     * @param size     characters (and bytes: ASCII) per message
     * @param seed     seed of this connection's random pattern
     * @param stats    where echoed messages and errors are counted
     * @param stopping true once the run is over: no new message is sent and a close is not an error
     * @param onClosed runs once when the WebSocket closes
     */
    WsEchoHandler(int size, long seed, EchoStats stats, BooleanSupplier stopping, Runnable onClosed) {
        this.size = size;
        SplittableRandom random = new SplittableRandom(seed);
        char[] chars = new char[size + OFFSETS];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        this.pattern = new String(chars);
        this.stats = stats;
        this.stopping = stopping;
        this.onClosed = onClosed;
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        send(ws);
    }

    /**
     * Sends the next message if none is in flight: for a load that pauses connections with {@code stopping} and
     * starts them again. Any thread; the send happens on the connection's loop.
     */
    void resume() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        ws.connection().loop().execute(() -> {
            if (!failed && inFlight == null && !stopping.getAsBoolean()) {
                offset = (offset + STEP) % OFFSETS;
                send(ws);
            }
        });
    }

    @Override
    public void onText(WebSocket ws, String text) {
        if (failed) {
            return;
        }
        if (inFlight == null) {
            fail(ws, "a " + text.length() + "-character message arrived with none in flight");
        } else if (!text.equals(inFlight)) {
            fail(ws, "the echo of a " + size + "-character message differs");
        } else {
            inFlight = null;
            stats.echoed(size, System.nanoTime() - sentAt);
            if (!stopping.getAsBoolean()) {
                offset = (offset + STEP) % OFFSETS;
                send(ws);
            }
        }
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        if (!failed) {
            fail(ws, "a binary message arrived in answer to text");
        }
    }

    @Override
    public void onClose(WebSocket ws, int status, String reason) {
        if (!failed && !stopping.getAsBoolean()) {
            failed = true;
            stats.error(ws.remoteAddress() + " closed by the server: " + status + " " + reason);
            log.warn("{} closed by the server: {} {}", ws.remoteAddress(), status, reason);
        }
        onClosed.run();
    }

    private void send(WebSocket ws) {
        inFlight = pattern.substring(offset, offset + size);
        sentAt = System.nanoTime();
        ws.sendText(inFlight);
    }

    private void fail(WebSocket ws, String what) {
        failed = true;
        stats.error(ws.remoteAddress() + ": " + what);
        log.warn("{}: {}", ws.remoteAddress(), what);
        ws.connection().close();
    }
}
