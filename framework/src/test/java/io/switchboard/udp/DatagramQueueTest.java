package io.switchboard.udp;

import static io.switchboard.udp.DatagramPipelineTest.ALICE;
import static io.switchboard.udp.DatagramPipelineTest.BOB;
import static io.switchboard.udp.DatagramPipelineTest.ECHO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedDatagramEndpoint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Backpressure without blocking: what the socket cannot take now waits within bounds, the rest is counted. */
@Tag("hardening")
class DatagramQueueTest {

    private static EmbeddedDatagramEndpoint echo(DatagramConfig config, MemoryBudget budget) {
        return new EmbeddedDatagramEndpoint(config, budget, EmbeddedDatagramEndpoint.LOCAL, null, p -> p.add(ECHO));
    }

    private static List<Datagram> numbered(int count, int size) {
        List<Datagram> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[size];
            bytes[0] = (byte) i;
            all.add(Datagram.received(ByteBuffer.wrap(bytes), i % 2 == 0 ? ALICE : BOB, null));
        }
        return all;
    }

    @Test
    void aFullSendBufferQueuesUpToTheCountThenDropsAndCountsAndTheQueueLeavesInOrder() {
        EmbeddedDatagramEndpoint e = echo(DatagramConfig.DEFAULTS.withQueue(4, 1 << 20), new MemoryBudget(1 << 20));
        e.sendRoom(0);
        e.feedAll(numbered(10, 10));
        DatagramStats full = e.stats();
        assertEquals(10, full.received());
        assertEquals(0, full.sent(), "the socket took nothing");
        assertEquals(4, full.queued(), "4 wait: the bound");
        assertEquals(40, full.queuedBytes());
        assertEquals(6, full.dropped(), "the other 6 are dropped and counted, never queued without bound");
        assertTrue(e.endpoint().connection().isOpen(), "and the endpoint never blocks nor closes for it");

        e.sendRoom(Integer.MAX_VALUE);
        List<Datagram> sent = e.takeSent();
        assertEquals(List.of(0, 1, 2, 3), sent.stream().map(d -> (int) d.bytes()[0]).toList(), "oldest first");
        assertEquals(List.of(ALICE, BOB, ALICE, BOB), sent.stream().map(Datagram::recipient).toList(),
                "each to its own recipient");
        DatagramStats drained = e.stats();
        assertEquals(4, drained.sent());
        assertEquals(0, drained.queued());
        assertEquals(0, drained.queuedBytes());
        assertEquals(10, drained.sent() + drained.dropped(), "every datagram written is sent or counted as dropped");
    }

    @Test
    void theQueueIsBoundedInBytesToo() {
        EmbeddedDatagramEndpoint e = echo(DatagramConfig.DEFAULTS.withQueue(100, 250), new MemoryBudget(1 << 20));
        e.sendRoom(0);
        e.feedAll(numbered(5, 100));
        assertEquals(2, e.stats().queued(), "two 100-byte datagrams fit in 250 bytes, a third does not");
        assertEquals(3, e.stats().dropped());
    }

    @Test
    void queuedBytesCountAgainstTheMemoryBudgetAndAreGivenBack() {
        MemoryBudget budget = new MemoryBudget(150);
        EmbeddedDatagramEndpoint e = echo(DatagramConfig.DEFAULTS, budget);
        e.sendRoom(0);
        e.feedAll(numbered(3, 100));
        assertEquals(1, e.stats().queued(), "the budget of 150 bytes holds one 100-byte datagram");
        assertEquals(2, e.stats().dropped());
        assertEquals(100, budget.used());
        e.sendRoom(Integer.MAX_VALUE);
        assertEquals(0, budget.used(), "sent: the budget is whole again");
    }

    @Test
    void aSendBufferThatFillsAgainMidwayKeepsTheRestQueued() {
        EmbeddedDatagramEndpoint e = echo(DatagramConfig.DEFAULTS, new MemoryBudget(1 << 20));
        e.sendRoom(0);
        e.feedAll(numbered(5, 8));
        e.sendRoom(2);
        assertEquals(2, e.takeSent().size());
        assertEquals(3, e.stats().queued());
        e.feedAll(numbered(1, 8));
        assertEquals(4, e.stats().queued(), "a new datagram waits behind the queue: order is kept");
        e.sendRoom(Integer.MAX_VALUE);
        assertEquals(List.of(2, 3, 4, 0), e.takeSent().stream().map(d -> (int) d.bytes()[0]).toList());
    }

    @Test
    void closingSendsWhatTheSocketTakesAndCountsTheRestAsDropped() {
        EmbeddedDatagramEndpoint e = echo(DatagramConfig.DEFAULTS, new MemoryBudget(1 << 20));
        e.sendRoom(0);
        e.feedAll(numbered(3, 8));
        e.endpoint().close();
        e.runPending();
        assertTrue(e.isClosed());
        DatagramStats stats = e.stats();
        assertEquals(3, stats.dropped());
        assertEquals(0, stats.queued());
        assertTrue(e.events().contains("closed"));
    }

    @Test
    void writesFromOtherThreadsPastTheBoundAreDroppedAndCountedNotQueuedAndTheEndpointStays() throws Exception {
        // A connected endpoint; 64 KiB may wait for the loop, each write counted as its 1,000 bytes plus 64.
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(DatagramConfig.DEFAULTS.withQueue(1024, 64 * 1024),
                new MemoryBudget(1 << 20), EmbeddedDatagramEndpoint.LOCAL, BOB, p -> { });
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 2000; i++) {
                e.endpoint().connection().write(new byte[1000]);
            }
        });
        producer.start();
        producer.join();
        e.runPending();
        DatagramStats stats = e.stats();
        int fits = 64 * 1024 / 1064;
        assertEquals(fits, stats.sent(), "61 writes of 1,064 counted bytes fit in 64 KiB while the loop was away");
        assertEquals(2000 - fits, stats.dropped(), "the other 1,939 are dropped and counted");
        assertTrue(e.endpoint().connection().isOpen(), "a stream connection would be reset; an endpoint stays");
    }
}
