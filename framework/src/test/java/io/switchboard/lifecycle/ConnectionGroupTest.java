package io.switchboard.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Broadcast to members whose peers read at different speeds, without sockets. */
@Tag("hardening")
class ConnectionGroupTest {
    /** High watermark 4 KiB, low 1 KiB, close timeout 5 s. */
    private static final ConnectionConfig SMALL = ConnectionConfig.DEFAULTS.withWatermarks(1024, 4096);
    private static final byte[] KIB = new byte[1024];

    private static EmbeddedConnection member(long peerWindow) {
        return new EmbeddedConnection(SMALL, 1024, p -> { }).peerWindow(peerWindow);
    }

    @Test
    void theDefaultClosesAMemberOverItsLimitAndStopsHoldingBytesForIt() {
        ConnectionGroup group = new ConnectionGroup();
        assertEquals(SlowReceivers.CLOSE, group.slowReceivers());
        EmbeddedConnection fast = member(Long.MAX_VALUE);
        EmbeddedConnection slow = member(0);
        group.add(fast.connection());
        group.add(slow.connection());

        int[] written = new int[100];
        for (int i = 0; i < 100; i++) {
            written[i] = group.broadcast(KIB);
            fast.runPending().discardWritten();
            slow.runPending();
        }
        assertEquals(2, written[0]);
        assertEquals(1, written[99], "only the fast member is written to at the end");
        assertFalse(slow.isOpen(), "the slow member was closed");
        assertEquals(1, group.size(), "and left the group");
        assertTrue(slow.connection().queuedBytes() <= 4096 + 1024,
                "it holds at most its 4 KiB watermark plus one message, not 100 KiB: " + slow.connection().queuedBytes());
        assertTrue(fast.isOpen());

        slow.advance(Duration.ofSeconds(5));
        assertTrue(slow.isAborted(), "its peer took nothing for the close timeout: reset, and its queue freed");
        assertEquals(0, slow.connection().queuedBytes());
    }

    @Test
    void skipLeavesASlowMemberInTheGroupAndWritesToItOnceItCaughtUp() {
        ConnectionGroup group = new ConnectionGroup(SlowReceivers.SKIP);
        EmbeddedConnection fast = member(Long.MAX_VALUE);
        EmbeddedConnection slow = member(0);
        group.add(fast.connection());
        group.add(slow.connection());

        int total = 0;
        for (int i = 0; i < 100; i++) {
            total += group.broadcast(KIB);
            fast.runPending().discardWritten();
            slow.runPending();
        }
        assertTrue(slow.isOpen());
        assertEquals(2, group.size());
        assertTrue(slow.connection().queuedBytes() <= 4096 + 1024, "queue bounded: " + slow.connection().queuedBytes());
        assertEquals(100 + 5, total, "the fast member got all 100; the slow one the 5 that took it over 4 KiB");

        slow.peerWindow(Long.MAX_VALUE);
        assertEquals(5 * 1024, slow.discardWritten(), "the slow peer reads what was queued");
        assertEquals(2, group.broadcast("x".getBytes(StandardCharsets.US_ASCII)), "and is written to again");
    }

    @Test
    void aBufferBroadcastReachesEveryMemberExactlyAndTheCallerMayReuseIt() {
        ConnectionGroup group = new ConnectionGroup();
        EmbeddedConnection[] members = new EmbeddedConnection[5];
        for (int i = 0; i < members.length; i++) {
            members[i] = member(Long.MAX_VALUE);
            group.add(members[i].connection());
        }
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.put("hello, everyone".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEquals(5, group.broadcast(buffer));
        assertFalse(buffer.hasRemaining(), "taken, as by any write");
        buffer.clear().put("overwritten!!!!".getBytes(StandardCharsets.US_ASCII));
        for (EmbeddedConnection m : members) {
            assertEquals("hello, everyone", m.runPending().takeWrittenString());
        }
    }

    @Test
    void writesNotFlushedYetDoNotMakeAMemberThatReadsLookSlow() {
        // On the caller's loop a member's writes wait for the end of the read batch; 100 KiB of them put it over its
        // 4 KiB watermark without its peer being behind at all.
        ConnectionGroup group = new ConnectionGroup();
        EmbeddedConnection reader = member(Long.MAX_VALUE);
        group.add(reader.connection());
        int written = 0;
        for (int i = 0; i < 100; i++) {
            written += group.broadcast(KIB);
        }
        assertEquals(100, written, "flushed when it looked over its limit, and found keeping up");
        assertTrue(reader.isOpen());
        assertEquals(100 * 1024, reader.runPending().discardWritten());
    }

    @Test
    void writesOnTheirWayFromAnotherThreadDoNotMakeAMemberThatReadsLookSlow() throws Exception {
        // From another thread each write waits for the member's loop (here: the test thread, until runPending);
        // 100 KiB on their way make it unwritable at once, though its peer reads everything.
        ConnectionGroup group = new ConnectionGroup();
        EmbeddedConnection reader = member(Long.MAX_VALUE);
        EmbeddedConnection silent = member(0);
        group.add(reader.connection());
        group.add(silent.connection());
        int written = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            for (int i = 0; i < 100; i++) {
                n += group.broadcast(KIB);
            }
            return n;
        }).get(10, TimeUnit.SECONDS);
        assertFalse(reader.connection().isWritable(), "100 KiB waiting for its loop");
        assertEquals(200, written, "CLOSE writes to a member on another loop and judges it on its loop");

        reader.runPending();
        silent.runPending();
        assertTrue(reader.isOpen(), "judged on its loop after a flush: it keeps up");
        assertEquals(100 * 1024, reader.discardWritten(), "and got every message");

        // The silent member was judged once, early (4 KiB queued, not over); the next broadcast judges it again.
        CompletableFuture.runAsync(() -> group.broadcast(KIB)).get(10, TimeUnit.SECONDS);
        reader.runPending();
        silent.runPending();
        assertFalse(silent.isOpen(), "the member whose peer reads nothing is closed");
        assertTrue(reader.isOpen());
        assertEquals(1, group.size());
    }

    @Test
    void skipJudgesAMemberOnAnotherLoopByWhatWaitsForItThere() throws Exception {
        ConnectionGroup group = new ConnectionGroup(SlowReceivers.SKIP);
        EmbeddedConnection member = member(Long.MAX_VALUE);
        group.add(member.connection());
        int written = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            for (int i = 0; i < 100; i++) {
                n += group.broadcast(KIB);
            }
            return n;
        }).get(10, TimeUnit.SECONDS);
        assertTrue(written < 100, "skipped while more than 64 KiB of writes waited for its loop: " + written);
        assertEquals(written * 1024, member.runPending().discardWritten());
        assertTrue(member.isOpen());
        assertEquals(1, group.broadcast(KIB), "written to again once its loop caught up");
    }

    @Test
    void filteredAndClosedMembersAreNotCounted() {
        ConnectionGroup group = new ConnectionGroup();
        EmbeddedConnection a = member(Long.MAX_VALUE);
        EmbeddedConnection b = member(Long.MAX_VALUE);
        group.add(a.connection());
        group.add(b.connection());
        assertEquals(1, group.broadcast(KIB, c -> c != a.connection()));
        b.connection().close();
        assertEquals(0, group.broadcast(KIB, c -> c != a.connection()));
    }
}
