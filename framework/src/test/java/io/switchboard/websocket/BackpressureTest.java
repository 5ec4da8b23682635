package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.PONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A peer that does not read: the stage stops reading between frames, and sends from other threads are bounded. */
class BackpressureTest {
    /** Watermarks of 1 KiB and 512 bytes, at most 16 KiB queued. */
    private static final ConnectionConfig SMALL = new ConnectionConfig(1024, 512, 16 * 1024, ConnectionConfig.DEFAULTS.closeTimeout());

    @Test
    void pingsFromAPeerThatDoesNotReadItsPongsStopBeingRead() {
        Recorder r = new Recorder();
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, budget,
                p -> p.add(WebSocketStage.server(r, WebSocketConfig.DEFAULTS, null)));
        c.peerWindow(0); // the peer reads nothing
        ByteArrayOutputStream pings = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            pings.writeBytes(Wire.masked(FIN | PING, new byte[100]));
        }
        c.feed(pings.toByteArray());
        long answered = r.events.stream().filter(e -> e.startsWith("ping")).count();
        // Each pong is 102 bytes: the 11th takes the queue to 1,122 bytes, over the 1 KiB high watermark, and the
        // stage stops there, keeping the other 189 pings unread.
        assertEquals(11, answered, "answered 11 of 200 pings, then stopped reading");
        assertTrue(r.events.contains("writable:false"));
        assertEquals(1122, c.connection().queuedBytes(), "about one watermark queued, not 200 pongs");

        c.peerWindow(Long.MAX_VALUE);
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        while (frames.size() < 200) {
            List<Wire.Frame> more = Wire.parse(c.takeWritten());
            assertFalse(more.isEmpty(), "reading resumed as the queue drained");
            frames.addAll(more);
        }
        assertEquals(200, frames.size());
        assertTrue(frames.stream().allMatch(f -> f.opcode() == PONG));
        assertTrue(r.events.contains("writable:true"));
    }

    @Test
    void sendsFromAnotherThreadAreCountedAndBounded() throws Exception {
        Recorder r = new Recorder();
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, budget,
                p -> p.add(WebSocketStage.server(r, WebSocketConfig.DEFAULTS, null)));
        WebSocket ws = r.ws;
        AtomicBoolean writableAfterOne = new AtomicBoolean();
        AtomicBoolean writableAfterTwo = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            ws.sendBinary(new byte[600]);
            writableAfterOne.set(ws.isWritable());
            ws.sendBinary(new byte[600]);
            writableAfterTwo.set(ws.isWritable());
        });
        producer.start();
        producer.join();
        assertTrue(writableAfterOne.get(), "664 bytes waiting (600 and 64 for the task) is under the 1 KiB watermark");
        assertFalse(writableAfterTwo.get(), "1,328 bytes waiting for the loop is over it");
        assertEquals(1328, budget.used(), "counted against the budget at once");
        c.runPending();
        assertEquals(2, Wire.parse(c.takeWritten()).size(), "both sent, in order, once the loop ran");
        assertEquals(0, budget.used());
        assertTrue(ws.isWritable());

        // A producer that ignores isWritable is stopped at maxQueued (16 KiB): the connection is reset.
        Thread flood = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                ws.sendText("x".repeat(1000));
            }
        });
        flood.start();
        flood.join();
        c.runPending();
        assertTrue(c.isAborted(), "reset past 16 KiB waiting");
        assertEquals(0, budget.used(), "nothing left counted");
        assertEquals(1006, r.closeStatus);
    }
}
