package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.CONT;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.RSV1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of messages that span reads count against the memory budget, and all of them come back. */
class BudgetTest {
    private static final WebSocketConfig CONFIG = WebSocketConfig.DEFAULTS.withMaxMessageSize(1024 * 1024)
            .withDeflate(DeflateOptions.DEFAULTS);

    static EmbeddedConnection server(Recorder r, MemoryBudget budget, PerMessageDeflate deflate) {
        return new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget,
                p -> p.add(WebSocketStage.server(r, CONFIG, deflate)));
    }

    @Test
    void aMessageThatSpansReadsIsCountedUntilItIsDelivered() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        Recorder r = new Recorder();
        EmbeddedConnection c = server(r, budget, null);
        byte[] frame = Wire.masked(FIN | BINARY, new byte[50_000]);
        c.feed(Arrays.copyOf(frame, 10_008)); // the 8-byte header and 10,000 bytes of payload
        assertEquals(20_000, budget.used(), "an array of twice the 10,000 bytes that arrived is counted, not the "
                + "50,000 the frame announced: memory follows the bytes, not the peer's word");
        c.feed(Arrays.copyOfRange(frame, 10_008, 30_008));
        assertEquals(40_000, budget.used(), "doubled as 20,000 more arrived");
        c.feed(Arrays.copyOfRange(frame, 30_008, frame.length));
        assertEquals(List.of("open", "binary:50000"), r.events);
        assertEquals(0, budget.used(), "given back once delivered");
    }

    @Test
    void aSmallMessageThatSpansReadsIsNotCounted() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        EmbeddedConnection c = server(new Recorder(), budget, null);
        byte[] frame = Wire.masked(FIN | BINARY, new byte[8000]);
        c.feed(Arrays.copyOf(frame, 4000));
        assertEquals(0, budget.used(), "8,000 bytes are within the connection's free 8 KiB");
    }

    @Test
    void everythingComesBackWhenTheConnectionClosesMidMessage() {
        MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
        Recorder r = new Recorder();
        EmbeddedConnection c = server(r, budget, new PerMessageDeflate(false, false, 0, 0));
        c.feed(Wire.masked(BINARY, new byte[20_000]));
        c.feed(Wire.masked(CONT, new byte[20_000]));
        assertTrue(budget.used() >= 40_000, "two fragments held: " + budget.used());
        c.finishInput();
        assertTrue(c.isClosed());
        assertEquals(0, budget.used(), "all given back at close");

        // The same with a compressed message being inflated.
        EmbeddedConnection d = server(new Recorder(), budget, new PerMessageDeflate(false, false, 0, 0));
        byte[] compressed = new Wire.Compressor(true).compressPart(new byte[200_000]);
        d.feed(Wire.masked(BINARY | RSV1, compressed));
        assertTrue(budget.used() >= 200_000, "the inflated message is held: " + budget.used());
        d.connection().close();
        d.runPending();
        assertEquals(0, budget.used(), "all given back at close");
    }

    @Test
    void aMessageThatWouldSpendTheBudgetIsRefusedWithInternalError() {
        MemoryBudget budget = new MemoryBudget(100_000);
        EmbeddedConnection first = server(new Recorder(), budget, null);
        first.feed(Arrays.copyOf(Wire.masked(FIN | BINARY, new byte[60_000]), 40_008));
        assertEquals(60_000, budget.used(), "40,000 bytes arrived: an array of twice that, capped at the frame's 60,000");
        Recorder r = new Recorder();
        EmbeddedConnection second = server(r, budget, null);
        second.feed(Arrays.copyOf(Wire.masked(FIN | BINARY, new byte[50_000]), 30_008));
        assertEquals(1011, Wire.single(second.takeWritten()).closeStatus(), "60,000 + 50,000 is over 100,000");
        assertTrue(second.isClosed());
        assertEquals(60_000, budget.used(), "only the first one's message is held");
        first.connection().close();
        first.runPending();
        assertEquals(0, budget.used());
    }
}
