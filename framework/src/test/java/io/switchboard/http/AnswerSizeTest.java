package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.MemoryBudget;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The outbound limits count the bytes queued for the peer, never the size of an answer: a whole answer larger
 * than {@code maxQueued} leaves in slices while the connection is writable, and reaches a peer that reads.
 */
class AnswerSizeTest {
    private static final int KIB = 1024;
    /** maxQueued of 1 MiB, default watermarks (64 KiB / 32 KiB). */
    private static final ConnectionConfig SMALL_QUEUE = ConnectionConfig.DEFAULTS.withMaxQueued(1024 * KIB);

    /** A peer that reads {@code window} bytes at a time; returns what it read, and the most bytes ever queued. */
    private static long[] readAll(EmbeddedConnection c, long window, ByteArrayOutputStream into) {
        long maxQueued = 0;
        for (int round = 0; round < 100_000 && c.isOpen(); round++) {
            maxQueued = Math.max(maxQueued, c.connection().queuedBytes());
            byte[] got = c.takeWritten();
            if (got.length == 0) {
                break;
            }
            into.writeBytes(got);
        }
        return new long[] {into.size(), maxQueued};
    }

    @Test
    void aWholeAnswerFourTimesMaxQueuedReachesAPeerThatReads() {
        byte[] body = LargeResponseLoopbackTest.pattern(4 * 1024 * KIB);
        Routes routes = Routes.builder().get("/big", (req, res) -> res.send(HttpResponse.of(200).body(body))).build();
        EmbeddedConnection c = new EmbeddedConnection(SMALL_QUEUE, 64 * KIB, new HttpService(routes));
        c.peerWindow(16 * KIB);
        c.feed(HttpTestSupport.get("/big"));

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long[] read = readAll(c, 16 * KIB, raw);

        assertFalse(c.isAborted(), "a 4 MiB answer to a peer that reads is not reset by the 1 MiB maxQueued");
        Responses.Response r = Responses.parse(raw.toByteArray()).get(0);
        assertEquals(String.valueOf(body.length), r.header("Content-Length"));
        assertArrayEquals(body, r.body());
        // Slices of 64 KiB are queued while the queue is at most its 64 KiB high watermark: 128 KiB and a head at most.
        assertTrue(read[1] <= 128 * KIB + 512, "queued at most two watermarks at once, not the answer: " + read[1]);
    }

    @Test
    void answersPipelinedBehindALargeOneWaitForItsLastSlice() {
        byte[] body = LargeResponseLoopbackTest.pattern(512 * KIB);
        Routes routes = Routes.builder()
                .get("/big", (req, res) -> res.send(HttpResponse.of(200).body(body)))
                .get("/small", (req, res) -> res.send(HttpResponse.text("small")))
                .build();
        EmbeddedConnection c = new EmbeddedConnection(new HttpService(routes));
        c.peerWindow(8 * KIB);
        c.feed(HttpTestSupport.get("/big") + "HEAD /big HTTP/1.1\r\nHost: a\r\n\r\n" + HttpTestSupport.get("/small"));

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        readAll(c, 8 * KIB, raw);

        List<Responses.Response> responses = Responses.parse(raw.toByteArray(), false, true, false);
        assertEquals(3, responses.size());
        assertArrayEquals(body, responses.get(0).body());
        assertEquals(String.valueOf(body.length), responses.get(1).header("Content-Length"), "HEAD: the length, no body");
        assertEquals("small", responses.get(2).text());
        assertFalse(c.isClosed());
    }

    @Test
    void aSendThatClosesTheConnectionWhileItWritesDoesNotThrow() {
        // A budget of 1 byte is spent by the first slice past the 16 KiB every connection queues for free: the
        // connection is shed (reset) in the middle of the write. Before, the sequencer then read the exchange it had
        // just dropped and send() threw a NullPointerException into the handler.
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Routes routes = Routes.builder().get("/big", (req, res) -> {
            try {
                res.send(HttpResponse.of(200).body(new byte[200 * KIB]));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).build();
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 64 * KIB, new MemoryBudget(1), new HttpService(routes));
        c.peerWindow(0);
        c.feed(HttpTestSupport.get("/big"));

        assertNull(thrown.get(), "send() threw " + thrown.get());
        assertTrue(c.isAborted(), "the spent budget resets the connection");
    }

    @Test
    void aWholeAnswerFromAnotherThreadIsPacedToo() throws Exception {
        byte[] body = LargeResponseLoopbackTest.pattern(3 * 1024 * KIB);
        List<HttpResponder> waiting = new ArrayList<>();
        Routes routes = Routes.builder().get("/big", (req, res) -> waiting.add(res)).build();
        EmbeddedConnection c = new EmbeddedConnection(SMALL_QUEUE, 64 * KIB, new HttpService(routes));
        c.peerWindow(32 * KIB);
        c.feed(HttpTestSupport.get("/big"));
        Thread sender = new Thread(() -> waiting.get(0).send(HttpResponse.of(200).body(body)));
        sender.start();
        sender.join(10_000);

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        c.runPending();
        long[] read = readAll(c, 32 * KIB, raw);

        assertFalse(c.isAborted());
        assertArrayEquals(body, Responses.parse(raw.toByteArray()).get(0).body(), "3 MiB through a 1 MiB maxQueued");
        assertTrue(read[1] <= 128 * KIB + 512, "queued at most " + read[1]);
    }
}
