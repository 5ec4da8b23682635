package io.switchboard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A peer that does not read, under TLS: the writer that respects writability is stopped by the connection's
 * watermarks, which count encrypted bytes, exactly as without TLS; the TLS stage itself holds at most one record of
 * plaintext; and once the peer reads, every byte arrives, in order.
 */
@Tag("hardening")
class TlsSlowReaderTest {
    private static final int TOTAL = 1024 * 1024;
    private static final int WRITE = 1000;
    /** The default high watermark. */
    private static final long HIGH = ConnectionConfig.DEFAULTS.highWatermark();
    /**
     * A full TLS 1.3 record on the wire, 16,405 bytes: 16,367 bytes of plaintext, the inner type byte, the JDK's 16
     * bytes of padding, the 16-byte tag, the 5-byte header.
     */
    private static final long RECORD = 16_367 + 1 + 16 + 16 + 5;

    /** Writes a numbered pattern while the connection is writable, from "go" on and whenever it is writable again. */
    private static final class Producer implements Handler {
        TlsHandler tls;
        int sent;
        long mostQueued;
        long mostHeld;

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            if ("go".equals(event)) {
                produce(ctx);
            } else {
                ctx.fireUserEvent(event);
            }
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
                mostHeld = Math.max(mostHeld, tls.heldBytes());
            }
        }
    }

    @Test
    void aPeerThatDoesNotReadHoldsTheServerToItsWatermarkAndGetsEveryByteWhenItReads() {
        Producer producer = new Producer();
        TlsPair pair = new TlsPair(TlsPair.trustingClient(), 1, TlsPair.ecServer(), p -> { }, p -> p.add(producer)).pump();
        producer.tls = pair.serverTls;
        pair.server.peerWindow(0);
        pair.server.pipeline().fireUserEvent("go");
        pair.server.runPending();

        assertTrue(producer.sent < TOTAL, "the writer was stopped");
        assertTrue(producer.mostQueued <= HIGH + RECORD,
                "encrypted bytes queued: " + producer.mostQueued + ", at most the 64 KiB watermark plus one record");
        assertTrue(producer.sent <= HIGH + 2 * RECORD,
                "plaintext accepted while the peer read nothing: " + producer.sent);
        assertTrue(producer.mostHeld <= TlsRecords.RECORD_FILL_TLS13, "plaintext held by the stage: " + producer.mostHeld);

        pair.server.peerWindow(Long.MAX_VALUE);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int round = 0; round < 10_000 && received.size() < TOTAL; round++) {
            pair.pump();
            for (Object m : pair.client.readMessages()) {
                received.writeBytes((byte[]) m);
            }
        }
        assertEquals(TOTAL, received.size(), "every byte arrived");
        assertArrayEquals(pattern(0, TOTAL), received.toByteArray(), "in order");
        assertTrue(producer.mostQueued <= HIGH + RECORD, "queued at most " + producer.mostQueued + " throughout");
        assertTrue(producer.mostHeld <= TlsRecords.RECORD_FILL_TLS13, "held at most " + producer.mostHeld + " throughout");
        assertEquals(0, pair.serverTls.heldBytes(), "nothing held once written");
    }

    private static byte[] pattern(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((from + i) % 251);
        }
        return b;
    }
}
