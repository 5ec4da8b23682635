package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Everything a stage may transform goes through the pipeline: the flush at the end of a read batch, the flush
 * after writes made outside one, the half-close and the close after an unhandled error. A framing stage that
 * holds written bytes until a flush (as TLS and compression do) shows each: bytes it never saw flushed would
 * never leave, and an end it never saw would never be framed.
 */
class PipelineSeamTest {
    /** Holds written bytes and sends them as {@code [bytes]} on flush; marks a half-close and a close. */
    private static final class Framing implements Handler {
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();

        @Override
        public void write(HandlerContext ctx, Object message) {
            ByteBuffer bytes = message instanceof byte[] ? ByteBuffer.wrap((byte[]) message) : (ByteBuffer) message;
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            held.writeBytes(copy);
        }

        @Override
        public void flush(HandlerContext ctx) {
            if (held.size() > 0) {
                ctx.write(("[" + held.toString(StandardCharsets.US_ASCII) + "]").getBytes(StandardCharsets.US_ASCII));
                held.reset();
            }
            ctx.flush();
        }

        @Override
        public void shutdownOutput(HandlerContext ctx) {
            flush(ctx);
            ctx.write("<end>".getBytes(StandardCharsets.US_ASCII));
            ctx.shutdownOutput();
        }

        @Override
        public void close(HandlerContext ctx) {
            flush(ctx);
            ctx.write("<bye>".getBytes(StandardCharsets.US_ASCII));
            ctx.close();
        }
    }

    /** Echoes every read without flushing: the connection's own flush must carry it. */
    private static final class Echo implements Handler {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    }

    @Test
    void repliesWrittenDuringAReadBatchAreFlushedThroughTheStageWhenTheBatchEnds() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Framing()).add(new Echo()));
        c.feed("abc");
        assertEquals("[abc]", c.takeWrittenString(), "the end of the read batch flushed through the stage");
    }

    @Test
    void aWriteFromATimerIsFlushedThroughTheStageAtTheEndOfTheTurn() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Framing()).add(new Handler() {
            @Override
            public void connected(HandlerContext ctx) {
                ctx.loop().schedule(() -> ctx.write("tick".getBytes(StandardCharsets.US_ASCII)), 1, TimeUnit.SECONDS);
            }
        }));
        c.advance(Duration.ofSeconds(1));
        assertEquals("[tick]", c.takeWrittenString());
    }

    @Test
    void aWriteFromAnotherThreadIsFlushedThroughTheStage() throws InterruptedException {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Framing()));
        Thread writer = new Thread(() -> c.connection().write("far".getBytes(StandardCharsets.US_ASCII)));
        writer.start();
        writer.join();
        c.runPending();
        assertEquals("[far]", c.takeWrittenString());
    }

    @Test
    void aHalfCloseGoesThroughTheStageBeforeTheFin() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Framing()));
        c.connection().write("last".getBytes(StandardCharsets.US_ASCII));
        c.connection().shutdownOutput();
        c.runPending();
        assertEquals("[last]<end>", c.takeWrittenString(), "the stage framed what it held and sent its end");
        assertTrue(c.isOutputShutdown());
    }

    @Test
    void anUnhandledErrorClosesThroughTheStage() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Framing()).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write("partial".getBytes(StandardCharsets.US_ASCII));
                throw new IllegalStateException("handler bug");
            }
        }));
        c.feed("x");
        assertEquals("[partial]<bye>", c.takeWrittenString(), "the stage saw the close and ended its framing");
        assertTrue(c.isClosed());
    }
}
