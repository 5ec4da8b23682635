package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What a handler does when told the connection is writable again is not lost. */
@Tag("hardening")
class WritabilityCallbackTest {

    @Test
    void aWriteAndCloseMadeWhenWritableAgainIsWrittenBeforeTheClose() {
        ConnectionConfig config = ConnectionConfig.DEFAULTS.withWatermarks(1024, 4096);
        EmbeddedConnection c = new EmbeddedConnection(config, 1024, p -> p.add(new Handler() {
            @Override
            public void writabilityChanged(HandlerContext ctx, boolean writable) {
                if (writable) {
                    ctx.write("last".getBytes(StandardCharsets.US_ASCII));
                    ctx.close();
                }
                ctx.fireWritabilityChanged(writable);
            }
        }));
        c.peerWindow(0);
        c.connection().write(new byte[8192]);
        c.runPending();
        assertFalse(c.connection().isWritable(), "8 KiB queued, over the 4 KiB watermark");

        c.peerWindow(8192);
        assertEquals(8192, c.takeWritten().length, "the queue drained: writable again, and the handler wrote and closed");
        assertEquals("last", c.takeWrittenString(), "the write made in the callback reaches the peer");
        assertTrue(c.isClosed());
        assertFalse(c.isAborted(), "then a clean close");
    }
}
