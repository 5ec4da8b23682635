package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Writes made before the handshake completes (a greeting written on {@code connected}, say) are held by the TLS
 * stage and counted by the connection as queued bytes: {@code isWritable()} turns false above the high watermark,
 * {@code maxQueued} and the memory budget bound them, as without TLS, and the handshake timeout frees them.
 */
class TlsHandshakeWritesTest {
    private static final int TOTAL = 1024 * 1024;
    private static final int WRITE = 1000;
    /** The default high watermark, 64 KiB. */
    private static final long HIGH = ConnectionConfig.DEFAULTS.highWatermark();

    private final TlsServerContext server = TlsPair.ecServer();

    /** Writes a numbered pattern from {@code connected} on, while the connection is writable, and again when it is. */
    private static final class Greeter implements Handler {
        int sent;
        long mostQueued;

        @Override
        public void connected(HandlerContext ctx) {
            ctx.fireConnected();
            produce(ctx);
        }

        @Override
        public void writabilityChanged(HandlerContext ctx, boolean writable) {
            if (writable) {
                produce(ctx);
            }
            ctx.fireWritabilityChanged(writable);
        }

        private void produce(HandlerContext ctx) {
            while (sent < TOTAL && ctx.connection().isWritable()) {
                int n = Math.min(WRITE, TOTAL - sent);
                ctx.write(pattern(sent, n));
                sent += n;
                mostQueued = Math.max(mostQueued, ctx.connection().queuedBytes());
            }
        }
    }

    /**
     * A peer that connects and never sends its ClientHello: the writer that respects writability stops once 64 KiB
     * plus one 1,000-byte write are held (not the 1 MiB it has to send), those bytes count against the memory budget,
     * and the handshake timeout (10 s) closes the connection and gives every byte back.
     */
    @Test
    void aPeerThatNeverCompletesTheHandshakeHoldsTheWriterToTheWatermark() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        Greeter greeter = new Greeter();
        TlsHandler tls = TlsHandler.server(server);
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget,
                p -> p.add(tls).add(greeter));

        assertTrue(greeter.sent < TOTAL, "the writer was stopped");
        assertTrue(greeter.sent <= HIGH + WRITE, "held before the handshake: " + greeter.sent + ", at most 64 KiB + one write");
        assertFalse(c.connection().isWritable());
        assertTrue(c.events().contains("writable:false"), c.events().toString());
        assertEquals(greeter.sent, tls.heldBytes(), "all of it held by the stage, none sent");
        assertEquals(greeter.sent, c.connection().queuedBytes(), "and counted as queued");
        assertEquals(greeter.sent, budget.used(), "and against the budget (past its first 16 KiB, all of it)");
        assertEquals(0, c.takeWritten().length, "nothing went out before the handshake");

        c.advance(Duration.ofSeconds(10));
        assertTrue(c.isClosed(), "closed by the handshake timeout");
        assertEquals(1, server.counters().handshakeTimeouts());
        assertEquals(0, tls.heldBytes());
        assertEquals(0, budget.used(), "every byte given back");
        assertFalse(tls.handshakeTimerPending());
    }

    /**
     * The same writer on a server whose client completes the handshake: the held bytes make the connection unwritable,
     * yet it goes on reading (the handshake needs the client's bytes), so the handshake completes, the held bytes
     * leave encrypted, the connection turns writable again, and all 1 MiB arrives in order. Queued (held or
     * encrypted) never exceeds the watermark plus one write and one record.
     */
    @Test
    void heldWritesMakeTheConnectionUnwritableButTheHandshakeStillCompletes() {
        Greeter greeter = new Greeter();
        TlsPair pair = new TlsPair(TlsPair.trustingClient(), 1, server, p -> { }, p -> p.add(greeter));
        assertTrue(greeter.sent <= HIGH + WRITE, "stopped before the handshake at " + greeter.sent);
        assertFalse(pair.server.connection().isWritable());

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int round = 0; round < 1_000 && received.size() < TOTAL; round++) {
            pair.pump();
            for (Object m : pair.client.readMessages()) {
                received.writeBytes((byte[]) m);
            }
        }
        assertTrue(pair.serverTls.isHandshakeComplete());
        assertEquals(TOTAL, received.size(), "every byte arrived");
        assertArrayEquals(pattern(0, TOTAL), received.toByteArray(), "in order");
        int unwritable = pair.server.events().indexOf("writable:false");
        assertTrue(unwritable >= 0 && pair.server.events().indexOf("writable:true") > unwritable, pair.server.events().toString());
        assertTrue(greeter.mostQueued <= HIGH + WRITE + 16_405, "queued at most " + greeter.mostQueued);
        assertEquals(0, pair.serverTls.heldBytes());
        assertEquals(0, pair.server.connection().queuedBytes());
    }

    /**
     * A writer that ignores writability: held writes count toward {@code maxQueued} (256 KiB here), past which the
     * connection is reset; and with the budget spent (100 KiB here) a connection holding more than its watermark is
     * reset and counted as shed, as a connection whose socket queue is that long would be. Both give every byte back.
     */
    @Test
    void heldWritesCountTowardMaxQueuedAndTheBudget() {
        MemoryBudget plenty = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection overLimit = new EmbeddedConnection(ConnectionConfig.DEFAULTS.withMaxQueued(256 * 1024),
                64 * 1024, plenty, p -> p.add(TlsHandler.server(server)).add(new Flood(300 * 1024)));
        assertTrue(overLimit.isAborted(), "reset past maxQueued");
        assertEquals(0, plenty.used());

        MemoryBudget small = new MemoryBudget(100 * 1024);
        EmbeddedConnection overBudget = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, small,
                p -> p.add(TlsHandler.server(server)).add(new Flood(200 * 1024)));
        assertTrue(overBudget.isAborted(), "reset past the watermark with the budget spent");
        assertEquals(1, small.shedCount());
        assertEquals(0, small.used());
    }

    /** Writes {@code total} bytes on {@code connected}, whether or not the connection is writable. */
    private static final class Flood implements Handler {
        private final int total;

        Flood(int total) {
            this.total = total;
        }

        @Override
        public void connected(HandlerContext ctx) {
            ctx.fireConnected();
            for (int sent = 0; sent < total && ctx.connection().isOpen(); sent += WRITE) {
                ctx.write(new byte[WRITE]);
            }
        }
    }

    private static byte[] pattern(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((from + i) % 251);
        }
        return b;
    }
}
