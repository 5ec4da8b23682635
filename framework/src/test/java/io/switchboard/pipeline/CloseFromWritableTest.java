package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A producer that writes as its connection drains and closes once it has written everything: the way a
 * handler finishes what it owes on a graceful close. Its last bytes must leave before the FIN.
 */
@Tag("hardening")
class CloseFromWritableTest {
    private static final int PIECE = 16 * 1024;
    private static final int PIECES = 6;

    /**
     * Starts on the peer's first bytes, writes while writable, continues when the connection drains, closes
     * after the last piece.
     */
    private static final class Producer implements Handler {
        private final byte[] data;
        private int sent;

        Producer(byte[] data) {
            this.data = data;
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            if (sent == 0) {
                produce(ctx);
            }
        }

        @Override
        public void writabilityChanged(HandlerContext ctx, boolean writable) {
            if (writable) {
                produce(ctx);
            }
        }

        private void produce(HandlerContext ctx) {
            while (sent < data.length && ctx.connection().isWritable()) {
                ctx.write(ByteBuffer.wrap(data, sent, PIECE));
                sent += PIECE;
            }
            ctx.flush();
            if (sent == data.length) {
                ctx.close();
            }
        }
    }

    @Test
    void bytesWrittenAndTheCloseFromAWritableCallbackAreNotLost() {
        byte[] data = new byte[PIECE * PIECES];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + i / 997);
        }
        // High watermark 64 KiB: on the peer's first bytes the producer writes 5 pieces (80 KiB) and waits for the
        // connection to drain. The peer then takes exactly
        // those 80 KiB: the queue drains, the producer writes its sixth piece, which the peer has no room for,
        // and closes. Before: the connection closed at once, on the strength of the queue having been empty a
        // moment earlier, and the sixth piece (16 KiB of 96) was lost behind a clean close.
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 1024, p -> p.add(new Producer(data)));
        c.peerWindow(0);
        c.feed("go");
        assertFalse(c.connection().isWritable(), "80 KiB queued, over the 64 KiB high watermark");
        c.peerWindow(5L * PIECE);
        assertFalse(c.isClosed(), "16 KiB are still queued: the connection must not be closed yet");

        c.peerWindow(Long.MAX_VALUE);
        byte[] received = c.takeWritten();
        assertArrayEquals(data, received, "all 96 KiB, in order (got " + received.length + ")");
        assertTrue(c.isClosed() && !c.isAborted(), "then a clean close");
    }
}
