package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.PING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The hot path allocates nothing per frame: reading, unmasking, delivering, answering pings and framing sends. */
class AllocationTest {
    private static final int FRAMES = 500;

    @Test
    void anEchoOfSmallBinaryMessagesAndPingsAllocatesNothingPerFrame() {
        WebSocketHandler echo = new WebSocketHandler() {
            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data);
            }
        };
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.server(echo, WebSocketConfig.DEFAULTS, null)));
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            frames.writeBytes(Wire.masked(FIN | BINARY, new byte[100]));
            frames.writeBytes(Wire.masked(FIN | PING, new byte[4]));
        }
        byte[] input = frames.toByteArray(); // 500 x (106 + 10) = 58,000 bytes: one read
        c.feed(input);
        c.discardWritten(); // warm up: the loop's scratch, the control array, the outbound chunks
        long before = Allocation.thisThread();
        c.feed(input);
        int output = FRAMES * (102 + 6);
        long allocated = Allocation.thisThread() - before - input.length - output;
        assertEquals(output, c.discardWritten(), "every message echoed (102 bytes), every ping answered (6)");
        // The harness copies the input and the output once each (subtracted above); what is left is the loop's
        // bookkeeping for one read batch. Asserted: under 8 bytes per frame on average, where one object per frame
        // would be 16 or more.
        assertTrue(allocated < 8L * 2 * FRAMES, "allocated " + allocated + " bytes for " + 2 * FRAMES + " frames");
    }
}
