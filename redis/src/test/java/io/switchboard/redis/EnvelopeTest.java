package io.switchboard.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The envelope each message travels in, and the count of messages that never arrived, from the gaps it shows. */
class EnvelopeTest {
    @Test
    void wrapsAndUnwrapsAnyBytes() {
        byte[] body = {0, '\n', ' ', (byte) 0xff};
        byte[] wrapped = Envelope.wrap(Envelope.prefix("a1b2"), 42, body);
        assertEquals("sb1 a1b2 42\n", new String(wrapped, 0, 12, StandardCharsets.US_ASCII));
        Envelope e = Envelope.unwrap(wrapped);
        assertEquals("a1b2", e.sender());
        assertEquals(42, e.seq());
        assertArrayEquals(body, e.body());
    }

    @Test
    void messagesFromOtherToolsHaveNoEnvelope() {
        for (String s : new String[] {"hello", "sb1 ", "sb1 x\n", "sb1 x 1", "sb1 x 12a\nbody", "sb1  1\nbody",
                "sb1 x 1234567890123456789\nbody"}) {
            assertNull(Envelope.unwrap(s.getBytes(StandardCharsets.US_ASCII)), s);
        }
    }

    @Test
    void gapsInASendersNumbersAreCountedOnce() {
        Senders senders = new Senders();
        assertEquals(0, senders.gap("a", 5), "the first message heard from a sender: what came before is unknown");
        assertEquals(0, senders.gap("a", 6));
        assertEquals(3, senders.gap("a", 10), "7, 8 and 9 never arrived");
        assertEquals(0, senders.gap("a", 8), "an older number counts nothing and moves nothing");
        assertEquals(0, senders.gap("a", 11));
        assertEquals(0, senders.gap("b", 1), "each sender has its own numbers");
        assertEquals(1, senders.gap("b", 3));
    }

    @Test
    void remembersABoundedNumberOfSenders() {
        Senders senders = new Senders();
        for (int i = 0; i <= Senders.MAX_SENDERS; i++) {
            senders.gap("s" + i, 1);
        }
        assertEquals(0, senders.gap("s0", 5), "the eldest sender was forgotten: its next number starts afresh");
        assertEquals(2, senders.gap("s" + Senders.MAX_SENDERS, 4), "the newest is remembered");
    }
}
