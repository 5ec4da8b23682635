package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler for loopback tests, called on a loop and read from the test's thread: every event as a short string in a
 * queue ("open", "text:…", "binary:<length>:<sha of the first bytes>", "pong:…", "close:<status>:<reason>"), and the
 * last WebSocket opened.
 */
class Collector implements WebSocketHandler {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final AtomicInteger opens = new AtomicInteger();
    volatile WebSocket ws;

    @Override
    public void onOpen(WebSocket ws) {
        this.ws = ws;
        opens.incrementAndGet();
        events.add("open");
    }

    @Override
    public void onText(WebSocket ws, String text) {
        events.add("text:" + text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        events.add("binary:" + describe(copy));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        events.add("pong:" + StandardCharsets.UTF_8.decode(payload));
    }

    @Override
    public void onClose(WebSocket ws, int status, String reason) {
        events.add("close:" + status + ":" + reason);
    }

    /** A binary message as it is written down: its length and a digest of its bytes. */
    static String describe(byte[] bytes) {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return bytes.length + ":" + HexFormat.of().formatHex(sha, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@return the next event, waiting at most 10 s} */
    String next() throws InterruptedException {
        String e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "an event within 10 s");
        return e;
    }

    /** Waits for the next event and checks it. */
    void expect(String event) throws InterruptedException {
        assertEquals(event, next());
    }
}
