package io.switchboard.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pipelined commands whose answers are large, from a client that reads slowly: the server holds about one
 * answer at a time, and still answers every command it read, QUIT included, before it closes.
 */
@Tag("hardening")
class KvBackpressureTest {
    private static final int VALUE = 256 * 1024;
    /** Default watermarks: 64 KiB high, 32 KiB low. One 256 KiB answer crosses the high one. */
    private static final ConnectionConfig CONFIG = ConnectionConfig.DEFAULTS;

    private static byte[] command(String... words) {
        StringBuilder s = new StringBuilder("*" + words.length + "\r\n");
        for (String w : words) {
            s.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void sevenPipelinedGetsOfALargeValueAreAnsweredOneAtATimeAndQuitClosesAfterThem() {
        KvStore store = new KvStore(() -> 0);
        byte[] value = new byte[VALUE];
        Arrays.fill(value, (byte) 'v');
        store.set("big", value, 0);
        EmbeddedConnection c = new EmbeddedConnection(CONFIG, 64 * 1024,
                p -> p.add(new RespCodec(KvServer.MAX_BULK, 1024, KvServer.MAX_COMMAND)).add(new KvHandler(store)));
        c.peerWindow(0);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        for (int i = 0; i < 7; i++) {
            in.writeBytes(command("GET", "big"));
        }
        in.writeBytes(command("QUIT"));
        c.feed(in.toByteArray());
        long held = c.connection().queuedBytes();
        assertTrue(held >= VALUE && held < 2 * VALUE, "one 256 KiB answer held, not seven (1.75 MiB): " + held);
        assertTrue(c.isOpen());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.peerWindow(64 * 1024);
        for (int reads = 0; reads < 1000 && !c.isClosed(); reads++) {
            out.writeBytes(c.takeWritten());
            assertTrue(c.connection().queuedBytes() < 2 * VALUE, "never more than about one answer held");
        }
        out.writeBytes(c.takeWritten());
        String answers = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        Matcher bulk = Pattern.compile("\\$" + VALUE + "\r\nv{" + VALUE + "}\r\n").matcher(answers);
        int count = 0;
        int end = 0;
        while (bulk.find() && bulk.start() == end) {
            count++;
            end = bulk.end();
        }
        assertEquals(7, count, "seven whole answers, back to back");
        assertEquals("+OK\r\n", answers.substring(end), "then QUIT's answer");
        assertTrue(c.isClosed(), "then the close");
        assertFalse(c.isAborted());
    }
}
