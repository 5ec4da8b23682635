package io.switchboard.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTest {

    /** Writes every inbound buffer back (the read buffer is borrowed; the connection copies it). */
    static final Handler ECHO = new Handler() {
        @Override
        public void read(HandlerContext ctx, Object message) {
            ctx.write(message);
        }
    };

    @Test
    void repliesToOneReadBatchLeaveInOneWrite() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new LineCodec(64)).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                ctx.write("re: " + message);
            }
        }));
        long before = c.writeCalls();
        c.feed("a\nb\nc\nd\n");
        assertEquals("re: a\nre: b\nre: c\nre: d\n", c.takeWrittenString());
        assertEquals(1, c.writeCalls() - before, "four replies, one gathering write");
    }

    @Test
    void borrowedReadBufferCanBeWrittenBack() {
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 8, p -> p.add(ECHO));
        c.feed("0123456789abcdefghij");
        assertEquals("0123456789abcdefghij", c.takeWrittenString());
    }

    @Test
    void aboveTheHighWatermarkTheConnectionStopsReadingUntilThePeerCatchesUp() {
        ConnectionConfig config = ConnectionConfig.DEFAULTS.withWatermarks(1024, 4096);
        EmbeddedConnection c = new EmbeddedConnection(config, 1024, p -> p.add(ECHO));
        c.peerWindow(0);
        byte[] input = new byte[64 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + 7);
        }
        c.feed(input);
        assertTrue(c.events().contains("writable:false"));
        assertFalse(c.connection().isWritable());
        assertTrue(c.unreadBytes() > 0, "reading stopped while the peer does not read");
        assertTrue(c.connection().queuedBytes() <= 4096 + 1024, "queue bounded near the high watermark");

        java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
        c.peerWindow(2048);
        while (echoed.size() < input.length) {
            byte[] chunk = c.takeWritten();
            assertTrue(chunk.length > 0 || c.unreadBytes() > 0 || c.connection().queuedBytes() > 0, "no progress");
            echoed.writeBytes(chunk);
        }
        assertArrayEquals(input, echoed.toByteArray());
        assertTrue(c.connection().isWritable());
        assertEquals("writable:true", c.events().get(c.events().size() - 1));
    }

    @Test
    void handlerIgnoringWritabilityIsCutOffAtTheHardLimit() {
        ConnectionConfig config = new ConnectionConfig(1024, 512, 10_000, Duration.ofSeconds(5));
        EmbeddedConnection c = new EmbeddedConnection(config, 1024, p -> { });
        c.peerWindow(0);
        for (int i = 0; i < 20; i++) {
            c.connection().write(new byte[1000]);
        }
        c.runPending();
        assertTrue(c.isAborted(), "writing past maxQueued resets the connection");
    }

    @Test
    void closeWritesWhatIsQueuedFirst() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().write("bye".getBytes());
        c.connection().close();
        c.runPending();
        assertEquals("bye", c.takeWrittenString());
        assertTrue(c.isClosed());
        assertFalse(c.isAborted());
        assertTrue(c.connection().closeFuture().isDone());
        assertEquals("closed", c.events().get(c.events().size() - 1));
    }

    @Test
    void closeResetsWhenThePeerNeverTakesTheQueuedBytes() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.peerWindow(0);
        c.connection().write(new byte[100]);
        c.connection().close();
        c.runPending();
        assertFalse(c.isClosed(), "still draining");
        c.advance(Duration.ofSeconds(4));
        assertFalse(c.isClosed());
        c.advance(Duration.ofSeconds(2));
        assertTrue(c.isAborted(), "reset after the close timeout of 5 s");
    }

    @Test
    void abortDropsQueuedBytesAndResets() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.peerWindow(0);
        c.connection().write(new byte[100]);
        c.connection().abort();
        c.runPending();
        assertTrue(c.isAborted());
        c.peerWindow(Long.MAX_VALUE);
        assertEquals(0, c.takeWritten().length);
    }

    @Test
    void peerFinClosesByDefaultAfterRepliesAreWritten() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(ECHO));
        c.feed("last words").finishInput();
        assertEquals("last words", c.takeWrittenString());
        assertTrue(c.isClosed());
        assertTrue(c.events().indexOf("inputClosed") < c.events().indexOf("closed"));
    }

    @Test
    void aHandlerCanAnswerAfterThePeersFin() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Handler() {
            @Override
            public void inputClosed(HandlerContext ctx) {
                ctx.write("goodbye".getBytes());
                ctx.flush();
                ctx.connection().shutdownOutput();
            }
        }));
        c.finishInput();
        assertEquals("goodbye", c.takeWrittenString());
        assertTrue(c.isOutputShutdown());
        assertFalse(c.isClosed(), "half-closed both ways but not closed until the handler closes");
        c.connection().close();
        c.runPending();
        assertTrue(c.isClosed());
    }

    @Test
    void shutdownOutputWaitsForQueuedBytes() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.peerWindow(2);
        c.connection().write("abcd".getBytes());
        c.connection().shutdownOutput();
        c.runPending();
        assertFalse(c.isOutputShutdown());
        assertEquals("ab", c.takeWrittenString());
        assertEquals("cd", c.takeWrittenString());
        assertTrue(c.isOutputShutdown());
        assertTrue(c.connection().isOpen(), "reading goes on after our FIN");
    }

    @Test
    void aThrowingHandlerClosesItsConnection() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                throw new IllegalStateException("handler bug");
            }
        }));
        c.feed("x");
        assertTrue(c.isClosed());
        assertTrue(c.events().contains("exception:IllegalStateException"));
    }

    @Test
    void writingAnObjectWithoutAnEncoderFailsTheConnection() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().write(42);
        c.runPending();
        assertFalse(c.isOpen());
    }

    @Test
    void writesAfterCloseAreDropped() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().close();
        c.connection().write("late".getBytes());
        c.runPending();
        assertEquals(0, c.takeWritten().length);
    }

    @Test
    void suspendAndResumeRead() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().suspendRead();
        c.feed("held");
        assertEquals(4, c.unreadBytes());
        assertTrue(c.readMessages().isEmpty());
        c.connection().resumeRead();
        c.runPending();
        assertArrayEquals("held".getBytes(), (byte[]) c.readMessage());
    }

    @Test
    void attributesAreTypedAndRemovable() {
        AttributeKey<String> user = AttributeKey.of("user");
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        c.connection().attr(user, "ada");
        assertEquals("ada", c.connection().attr(user));
        c.connection().attr(user, null);
        assertEquals(null, c.connection().attr(user));
    }

    @Test
    void timersRunOnTheLoopClock() {
        EmbeddedConnection c = new EmbeddedConnection(p -> { });
        StringBuilder order = new StringBuilder();
        c.connection().loop().schedule(() -> order.append('b'), 2, java.util.concurrent.TimeUnit.SECONDS);
        c.connection().loop().schedule(() -> order.append('a'), 1, java.util.concurrent.TimeUnit.SECONDS);
        var cancelled = c.connection().loop().schedule(() -> order.append('x'), 1, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(cancelled.cancel());
        c.advance(Duration.ofMillis(999));
        assertEquals("", order.toString());
        c.advance(Duration.ofSeconds(5));
        assertEquals("ab", order.toString());
    }

    @Test
    void pipelineOrderAndChanges() {
        StringBuilder seen = new StringBuilder();
        Handler a = tagger("a", seen);
        Handler b = tagger("b", seen);
        Handler c2 = tagger("c", seen);
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(b).addFirst(a).addAfter(b, c2));
        c.feed("1");
        assertEquals("abc", seen.toString());
        seen.setLength(0);
        c.pipeline().remove(b);
        Handler d = tagger("d", seen);
        c.pipeline().replace(a, d);
        c.feed("2");
        assertEquals("dc", seen.toString());
        assertEquals(d, c.pipeline().get(d.getClass()));
        assertEquals(2, c.readMessages().size());
    }

    @Test
    void outboundHandlersSeeWritesInReverseOrder() {
        List<String> seen = new java.util.ArrayList<>();
        Handler outer = new Handler() {
            @Override
            public void write(HandlerContext ctx, Object message) {
                seen.add("outer");
                ctx.write(("[" + message + "]").getBytes());
            }
        };
        Handler inner = new Handler() {
            @Override
            public void write(HandlerContext ctx, Object message) {
                seen.add("inner");
                ctx.write("<" + message + ">");
            }
        };
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(outer).add(inner));
        c.connection().write("m");
        c.runPending();
        assertEquals(List.of("inner", "outer"), seen);
        assertEquals("[<m>]", c.takeWrittenString());
    }

    private static Handler tagger(String tag, StringBuilder seen) {
        return new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                seen.append(tag);
                if (message instanceof ByteBuffer) {
                    ctx.fireRead(message);
                }
            }
        };
    }
}
