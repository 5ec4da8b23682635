package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** One load connection driven in memory: what it writes, and what it counts. */
class HttpLoadHandlerTest {
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: h:1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final HttpLoadStats stats = new HttpLoadStats();
    /** The messages the handler wrote, as they reached the socket end of the pipeline. */
    private final List<byte[]> writes = new ArrayList<>();

    private EmbeddedConnection connection(int depth) {
        return new EmbeddedConnection(p -> p.add(new WriteRecorder())
                .add(new HttpLoadHandler(HttpLoadHandler.repeat(REQUEST, depth), REQUEST.length, depth, 0, 0, stats,
                        () -> false, () -> { })));
    }

    @Test
    void pipelinedRequestsSentTogetherLeaveAsOneWrite() {
        EmbeddedConnection c = connection(16);
        assertEquals(1, writes.size(), "16 requests at connect: one write of 16, not 16 writes");
        assertArrayEquals(repeated(16), writes.get(0));

        c.feed(RESPONSE.repeat(16));
        assertEquals(2, writes.size(), "16 responses in one read: the 16 next requests as one write");
        assertArrayEquals(repeated(16), writes.get(1));
        assertEquals(16, stats.snapshot().responses());

        c.feed(RESPONSE.repeat(5) + RESPONSE.substring(0, 20));
        assertEquals(3, writes.size());
        assertArrayEquals(repeated(5), writes.get(2), "5 whole responses free 5 slots");
        c.feed(RESPONSE.substring(20));
        assertArrayEquals(repeated(1), writes.get(3), "the split response frees one more");
        assertEquals(22, stats.snapshot().responses());
        assertEquals(16 + 16 + 5 + 1, c.takeWritten().length / REQUEST.length, "requests on the wire");
    }

    @Test
    void responsesSentTogetherAreRecordedAsOneLatencyEach() {
        EmbeddedConnection c = connection(8);
        c.feed(RESPONSE.repeat(8));

        Histogram latencies = stats.latenciesSinceLastCall();
        assertEquals(8, latencies.getTotalCount(), "one latency per response: 8");
        assertEquals(8, latencies.getCountAtValue(latencies.getMinValue()),
                "8 requests sent in one write and answered in one read share one latency");
        assertTrue(c.isOpen());
    }

    @Test
    void aDeepPipelineOfLargeRequestsIsCutIntoBuffersOfAtMostTheBatchSize() {
        byte[] large = new byte[HttpLoadHandler.MAX_BATCH_BYTES / 3 + 1];
        byte[] requests = HttpLoadHandler.repeat(large, 16);
        assertEquals(2 * large.length, requests.length, "two whole requests fit in 64 KiB, not three");

        assertEquals(REQUEST.length, HttpLoadHandler.repeat(REQUEST, 1).length, "pipeline 1: the request once");
    }

    private static byte[] repeated(int count) {
        byte[] all = new byte[count * REQUEST.length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(REQUEST, 0, all, i * REQUEST.length, REQUEST.length);
        }
        return all;
    }

    /** Sits between the handler and the socket end and keeps a copy of each message written. */
    private final class WriteRecorder implements Handler {
        @Override
        public void write(HandlerContext ctx, Object message) {
            ByteBuffer buffer = ((ByteBuffer) message).duplicate();
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            writes.add(copy);
            ctx.write(message);
        }
    }
}
