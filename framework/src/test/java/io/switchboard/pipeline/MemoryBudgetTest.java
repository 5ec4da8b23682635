package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Output queued for peers that do not read counts against one budget shared by every connection. */
@Tag("hardening")
class MemoryBudgetTest {
    /** Writes 256 KiB for every byte it reads: a peer that sends a little and never reads makes us hold a lot. */
    private static final Handler AMPLIFIER = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            java.nio.ByteBuffer in = (java.nio.ByteBuffer) message;
            while (in.hasRemaining()) {
                in.get();
                ctx.write(new byte[256 * 1024]);
            }
        }
    };

    @Test
    void connectionsPastTheirWatermarkAreResetOnceTheBudgetIsSpentAndTheirBytesComeBack() {
        // A 1 MiB budget, peers that never read, 256 KiB queued per connection (all of it counted, being over
        // the 16 KiB a queue holds uncounted): the first four fit exactly, the fifth and sixth are reset.
        MemoryBudget budget = new MemoryBudget(1024 * 1024);
        EmbeddedConnection[] peers = new EmbeddedConnection[6];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget, p -> p.add(AMPLIFIER));
            peers[i].peerWindow(0);
            peers[i].feed(new byte[] {1});
        }
        int open = 0;
        for (EmbeddedConnection peer : peers) {
            open += peer.isOpen() ? 1 : 0;
        }
        assertEquals(4, open, "four connections within the budget stay; the rest are reset");
        assertTrue(peers[5].isAborted(), "a connection shed at the budget is reset, not closed cleanly");
        assertTrue(budget.used() <= budget.limit(), "held " + budget.used() + " of " + budget.limit());
        assertEquals(2, budget.shedCount());

        for (EmbeddedConnection peer : peers) {
            peer.connection().abort();
            peer.runPending();
        }
        assertEquals(0, budget.used(), "every byte reserved came back when the peers left");
    }

    @Test
    void smallRepliesCostTheBudgetNothing() {
        MemoryBudget budget = new MemoryBudget(1);
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * 1024, budget,
                p -> p.add(ConnectionTest.ECHO));
        c.peerWindow(0);
        c.feed("a reply of a few bytes that the peer does not read yet");
        assertTrue(c.isOpen(), "below " + MemoryBudget.UNCOUNTED + " queued bytes nothing is counted");
        assertEquals(0, budget.used());
    }

    @Test
    void tryReserveNeverPassesTheLimit() {
        MemoryBudget budget = new MemoryBudget(100);
        assertTrue(budget.tryReserve(60));
        assertFalse(budget.tryReserve(41));
        assertTrue(budget.tryReserve(40));
        assertEquals(100, budget.used());
        budget.release(100);
        assertEquals(0, budget.used());
    }
}
