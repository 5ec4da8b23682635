package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client side: every frame masked with a fresh key, payloads of every size masked right. */
class ClientModeTest {

    @Test
    void masksEveryFrameWithAFreshKey() {
        Recorder r = new Recorder();
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.client(r, WebSocketConfig.DEFAULTS, null)));
        Random random = new Random(7);
        byte[] big = new byte[100_000]; // more than one 16 KiB chunk of the scratch
        random.nextBytes(big);
        for (int i = 0; i < 300; i++) {
            r.ws.sendText("message " + i);
        }
        r.ws.sendBinary(big);
        r.ws.sendBinary(ByteBuffer.wrap(big, 1, 2000));
        r.ws.sendPing(new byte[] {1});
        c.runPending();
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertEquals(303, frames.size());
        Set<Integer> keys = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Wire.Frame f = frames.get(i);
            assertTrue(f.masked(), "a client masks");
            assertEquals(TEXT, f.opcode());
            assertEquals("message " + i, f.text());
            keys.add(f.key());
        }
        assertTrue(keys.size() >= 299, "a fresh key per frame: " + keys.size() + " distinct of 300");
        assertEquals(BINARY, frames.get(300).opcode());
        assertArrayEquals(big, frames.get(300).payload());
        assertArrayEquals(java.util.Arrays.copyOfRange(big, 1, 2001), frames.get(301).payload());
        assertTrue(frames.get(302).masked());
    }

    @Test
    void keysFromTwoGeneratorsDiffer() {
        MaskKeys a = new MaskKeys();
        MaskKeys b = new MaskKeys();
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            if (a.next() == b.next()) {
                same++;
            }
        }
        assertTrue(same <= 1, "each generator is seeded on its own: " + same + " of 1,000 equal");
    }
}
