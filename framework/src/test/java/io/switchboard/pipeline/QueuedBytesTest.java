package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.internal.BufferPool;
import io.switchboard.testing.EmbeddedConnection;
import org.junit.jupiter.api.Test;

/** The loop's count of bytes queued on its connections follows each queue as it fills, drains and is dropped. */
class QueuedBytesTest {

    @Test
    void theLoopCountsWhatItsConnectionsQueueUntilTheSocketTakesIt() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        BufferPool pool = BufferPool.of(c.connection().loop());
        c.peerWindow(400);
        c.connection().writeAndFlush(new byte[1000]);
        c.runPending();
        // 1,000 bytes written, the peer took 400: 600 wait in the queue
        assertEquals(600, pool.queuedBytes());
        c.takeWritten();
        c.peerWindow(Long.MAX_VALUE);
        assertEquals(0, pool.queuedBytes(), "the rest left");

        c.peerWindow(0);
        c.connection().writeAndFlush(new byte[300]);
        c.runPending();
        assertEquals(300, pool.queuedBytes());
        c.connection().abort();
        c.runPending();
        assertEquals(0, pool.queuedBytes(), "a reset drops the queue, and the count with it");
    }
}
