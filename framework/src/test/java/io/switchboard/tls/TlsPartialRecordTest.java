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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The start of a record cut by a read: memory that follows the bytes that arrived, counted against the process's
 * memory budget while kept, connections shed when the budget is spent, and every byte given back however the
 * connection ends.
 */
class TlsPartialRecordTest {
    /** A full TLS 1.3 record on the wire: 16,367 bytes of plaintext, 33 of overhead, 5 of header. */
    private static final int RECORD = 16_405;

    private final TlsServerContext server = TlsPair.ecServer();
    private final TlsClientContext client = TlsPair.trustingClient();

    /** A handshake record header announcing {@code length} bytes (a ClientHello that has not fully arrived). */
    private static byte[] handshakeHeader(int length) {
        return new byte[] {22, 3, 1, (byte) (length >> 8), (byte) length};
    }

    /**
     * A record cut in two by reads holds memory for its first part only while it waits for the rest: 2 x 6,000 bytes
     * after 6,000 of its 16,405 bytes arrived, counted against the budget, and nothing once it is whole. Dripped in one
     * byte at a time, the buffer doubles (256, 514, 1,030, ... up to the record's length): 7 buffers in all, never
     * more than twice what arrived, never a copy per byte.
     */
    @Test
    void aCutRecordHoldsMemoryForWhatArrivedAndOnlyUntilItIsWhole() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        TlsPair pair = new TlsPair(client, 1, server, p -> { }, p -> { }, 64 * 1024, budget).pump();
        byte[] data = new byte[RECORD - 38];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        pair.client.connection().writeAndFlush(data);
        byte[] record = pair.client.takeWritten();
        assertEquals(RECORD, record.length, "one full record");

        pair.server.feed(record, 0, 6_000);
        assertEquals(12_000, pair.serverTls.partialRecordBytes(), "twice the 6,000 bytes that arrived");
        assertEquals(12_000, budget.used(), "counted against the budget while kept");
        pair.server.feed(record, 6_000, RECORD - 6_000);
        assertEquals(0, pair.serverTls.partialRecordBytes());
        assertEquals(0, budget.used(), "given back once the record is whole");
        assertArrayEquals(data, received(pair.server));

        pair.client.connection().writeAndFlush(data);
        record = pair.client.takeWritten();
        TreeSet<Integer> capacities = new TreeSet<>();
        for (int i = 0; i < RECORD - 1; i++) {
            pair.server.feed(record, i, 1);
            int held = pair.serverTls.partialRecordBytes();
            capacities.add(held);
            assertTrue(held <= Math.max(PartialRecord.MIN_CAPACITY, 2 * (i + 1)), held + " bytes held after " + (i + 1));
            assertEquals(held, budget.used());
        }
        // Each buffer twice the bytes that had arrived when the last one was full: 7 buffers for the record.
        assertEquals(List.of(256, 514, 1030, 2062, 4126, 8254, RECORD), List.copyOf(capacities));
        pair.server.feed(record, RECORD - 1, 1);
        assertEquals(0, budget.used());
        assertArrayEquals(data, received(pair.server));
    }

    /**
     * 300 peers each send a ClientHello header announcing 16,384 bytes and 4,000 bytes of it, then nothing, against a
     * budget of 1 MiB: each kept start holds 8,010 bytes (twice what arrived), so 130 fit (1,041,300 bytes) and the
     * other 170 are reset when their bytes arrive, each counted as shed. The budget is never exceeded, and once the
     * 130 end (six ways: FIN, close, reset, an error in a handler, the handshake timeout, the rest of the record, which
     * the engine refuses) every byte is given back and no handshake timer is left scheduled.
     */
    @Test
    void atTheBudgetPeersAreShedAndEveryByteComesBack() {
        MemoryBudget budget = new MemoryBudget(1024 * 1024);
        List<EmbeddedConnection> connections = new ArrayList<>();
        List<TlsHandler> stages = new ArrayList<>();
        byte[] start = new byte[5 + 4_000];
        System.arraycopy(handshakeHeader(16_384), 0, start, 0, 5);
        for (int i = 0; i < 300; i++) {
            TlsHandler tls = TlsHandler.server(server);
            EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget,
                    p -> p.add(tls).add(new FailOn("boom")));
            c.feed(start);
            assertTrue(budget.used() <= budget.limit(), "within the budget after peer " + i + ": " + budget);
            connections.add(c);
            stages.add(tls);
        }
        List<EmbeddedConnection> kept = new ArrayList<>();
        List<TlsHandler> keptStages = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            EmbeddedConnection c = connections.get(i);
            if (c.isOpen()) {
                assertEquals(8_010, stages.get(i).partialRecordBytes());
                kept.add(c);
                keptStages.add(stages.get(i));
            } else {
                assertTrue(c.isAborted(), "a shed peer is reset");
                assertEquals(0, stages.get(i).partialRecordBytes());
            }
        }
        assertEquals(130, kept.size(), "1 MiB holds 130 starts of 8,010 bytes");
        assertEquals(170, budget.shedCount(), "the other 170 were shed, and counted");
        assertEquals(130 * 8_010, budget.used());

        for (int i = 0; i < kept.size(); i++) {
            EmbeddedConnection c = kept.get(i);
            switch (i % 6) {
                case 0 -> c.finishInput();
                case 1 -> c.connection().close();
                case 2 -> c.connection().abort();
                case 3 -> c.pipeline().fireUserEvent("boom");
                case 4 -> c.advance(Duration.ofSeconds(10));
                default -> c.feed(new byte[16_384 - 4_000]);
            }
            assertEquals(0, keptStages.get(i).partialRecordBytes(), "ending " + i % 6 + " gave the record back");
        }
        assertEquals(0, budget.used(), "every byte given back");
        for (int i = 0; i < connections.size(); i++) {
            assertFalse(stages.get(i).handshakeTimerPending(), "no handshake timer left for connection " + i);
        }
        assertEquals(21, server.counters().handshakeTimeouts(), "the timeouts of ending 4 (every sixth of 130), and no others");
    }

    /**
     * Once the handshake completed, a reset in the middle of a record, an error in a handler and a close each give back
     * the record's start (2,000 bytes held for its first 1,000), and leave no handshake timer; so does a FIN in the
     * middle of a record, though the connection stays open for writing.
     */
    @Test
    void anEstablishedConnectionGivesTheRecordBackHoweverItEnds() {
        for (int ending = 0; ending < 4; ending++) {
            MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
            ResetOnRead reset = new ResetOnRead();
            TlsPair pair = new TlsPair(client, 10 + ending, server, p -> { },
                    p -> p.add(new FailOn("boom")).add(new KeepsWriting()), 64 * 1024, budget).pump();
            pair.server.pipeline().addFirst(reset);
            pair.client.connection().writeAndFlush(new byte[RECORD - 38]);
            byte[] record = pair.client.takeWritten();
            pair.server.feed(record, 0, 1_000);
            assertEquals(2_000, budget.used(), "ending " + ending + ": the record's start is counted");
            switch (ending) {
                case 0 -> {
                    reset.armed = true; // the next read fails as a reset by the peer would
                    pair.server.feed(record, 1_000, 10);
                }
                case 1 -> pair.server.pipeline().fireUserEvent("boom");
                case 2 -> pair.server.connection().close();
                default -> pair.server.finishInput();
            }
            assertEquals(0, budget.used(), "ending " + ending + " gave it back");
            assertFalse(pair.serverTls.handshakeTimerPending());
            assertEquals(ending < 3, pair.server.isClosed(), "ending " + ending);
        }
    }

    private static byte[] received(EmbeddedConnection c) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Object m : c.readMessages()) {
            all.writeBytes((byte[]) m);
        }
        return all.toByteArray();
    }

    /** Throws on a user event: an error in a handler, which closes the connection. */
    private static final class FailOn implements Handler {
        private final Object trigger;

        FailOn(Object trigger) {
            this.trigger = trigger;
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            if (trigger.equals(event)) {
                throw new IllegalStateException("a bug in a handler");
            }
            ctx.fireUserEvent(event);
        }
    }

    /** Takes the peer's end of input instead of letting the pipeline's end close: the connection stays half-open. */
    private static final class KeepsWriting implements Handler {
        @Override
        public void inputClosed(HandlerContext ctx) {
        }
    }

    /** Put before the TLS stage: once armed, a read fails as the socket's read fails when the peer resets. */
    private static final class ResetOnRead implements Handler {
        boolean armed;

        @Override
        public void read(HandlerContext ctx, Object message) throws Exception {
            if (armed) {
                throw new java.io.IOException("Connection reset");
            }
            ctx.fireRead(message);
        }
    }
}
