package io.switchboard.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A decoder stops between two messages once the connection is over its high watermark, keeps the rest, and
 * goes on from there as the peer drains: seven pipelined commands with large answers are executed one
 * watermark's worth at a time, not all at once.
 */
@Tag("hardening")
class DecoderBackpressureTest {
    /** High watermark 4 KiB, low 1 KiB: one answer of 8 KiB crosses it. */
    private static final ConnectionConfig SMALL = ConnectionConfig.DEFAULTS.withWatermarks(1024, 4096);
    private static final int ANSWER = 8 * 1024;
    private static final String SEVEN = "cmd1\ncmd2\ncmd3\ncmd4\ncmd5\ncmd6\ncmd7\n";

    /** Answers each line with {@link #ANSWER} bytes (the line's name, padded), and records what it executed. */
    private static final class BigAnswers implements Handler {
        final List<String> executed = new ArrayList<>();

        @Override
        public void read(HandlerContext ctx, Object line) {
            if (!(line instanceof String)) {
                ctx.fireRead(line);
                return;
            }
            executed.add((String) line);
            ctx.write(answer((String) line));
        }

        @Override
        public void inputClosed(HandlerContext ctx) {
            executed.add("FIN");
            ctx.fireInputClosed();
        }

        @Override
        public void userEvent(HandlerContext ctx, Object event) {
            executed.add(String.valueOf(event));
            ctx.fireUserEvent(event);
        }
    }

    /** A handler in front of the decoder, so that a test can fire events into the decoder directly. */
    private static final Handler FRONT = new Handler() {
    };

    static String answer(String line) {
        return (line + "-").repeat(ANSWER / (line.length() + 1) + 1).substring(0, ANSWER - 1);
    }

    private static String answers(int from, int to) {
        StringBuilder all = new StringBuilder();
        for (int i = from; i <= to; i++) {
            all.append(answer("cmd" + i)).append('\n');
        }
        return all.toString();
    }

    /** Compares answers by a short summary: which answers, in which order (the texts are 8 KiB each). */
    private static void assertAnswers(String expected, String actual) {
        assertAnswers(expected, actual, "answers");
    }

    private static void assertAnswers(String expected, String actual, String what) {
        assertEquals(summary(expected), summary(actual), what);
        assertTrue(expected.equals(actual), what + ": same names, different bytes");
    }

    private static String summary(String answers) {
        StringBuilder s = new StringBuilder();
        for (String line : answers.split("\n")) {
            s.append(line.isEmpty() ? "(empty)" : line.substring(0, line.indexOf('-') < 0 ? line.length() : line.indexOf('-')))
                    .append('/').append(line.length()).append(' ');
        }
        return s.toString();
    }

    /** The peer reads one answer at a time until the connection closes, and everything it got. */
    private static String drainOneAnswerAtATime(EmbeddedConnection c) {
        StringBuilder got = new StringBuilder();
        c.peerWindow(ANSWER);
        for (int drains = 0; drains < 20 && !c.isClosed(); drains++) {
            got.append(c.takeWrittenString());
        }
        return got.append(c.takeWrittenString()).toString();
    }

    @Test
    void decodingStopsAtTheWatermarkAndResumesAsThePeerDrains() {
        BigAnswers app = new BigAnswers();
        // LineCodec(64) keeps at most 66 bytes of an incomplete line; the 35 bytes of seven short commands are
        // more than the 4 bytes of one, and must not count as "too long" while they wait.
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(new LineCodec(64)).add(app));
        c.peerWindow(0);

        c.feed(SEVEN);
        assertEquals(List.of("cmd1"), app.executed, "the first answer (8 KiB) crossed the 4 KiB watermark: one command executed");
        assertEquals(ANSWER, c.connection().queuedBytes(), "one answer held, not seven (56 KiB)");
        assertFalse(c.connection().isWritable());
        assertEquals(List.of("writable:false"), c.events());

        // The peer takes one answer at a time (8 KiB window); each answer it takes lets one more command run.
        c.peerWindow(ANSWER);
        assertEquals(List.of("cmd1", "cmd2"), app.executed, "answer 1 left: decoding resumed without new bytes");
        for (int k = 1; k <= 7; k++) {
            assertAnswers(answers(k, k), c.takeWrittenString(), "answer " + k);
            assertEquals(Math.min(k + 2, 7), app.executed.size(), "after the peer took answer " + k);
            assertTrue(c.connection().queuedBytes() <= ANSWER, "never more than one answer held");
        }
        assertEquals(List.of("cmd1", "cmd2", "cmd3", "cmd4", "cmd5", "cmd6", "cmd7"), app.executed);
        assertEquals("", c.takeWrittenString());
        assertTrue(c.connection().isWritable());
        assertTrue(c.isOpen());
        assertFalse(c.events().stream().anyMatch(e -> e.toString().startsWith("exception")), c.events().toString());

        c.feed("cmd8\n");
        assertEquals(8, app.executed.size(), "reading goes on normally afterwards");
    }

    @Test
    void moreBytesFromThePeerWaitInTheSocketWhileTheDecoderIsPaused() {
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(new LineCodec(64)).add(app));
        c.peerWindow(0);
        c.feed(SEVEN);
        c.feed("cmd8\ncmd9\n");
        assertEquals(1, app.executed.size());
        assertEquals(10, c.unreadBytes(), "the decoder holds the first read (35 bytes) at most; the rest stays unread");

        c.peerWindow(Long.MAX_VALUE);
        assertEquals(9, app.executed.size(), "all nine, in order, once the peer reads");
        assertAnswers(answers(1, 9), c.takeWrittenString());
    }

    @Test
    void peerFinWhilePausedClosesOnlyAfterEveryCommandReadIsAnswered() {
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(FRONT).add(new LineCodec(64)).add(app));
        c.peerWindow(0);
        c.feed(SEVEN);
        assertEquals(1, app.executed.size());
        c.pipeline().context(FRONT).fireInputClosed();
        assertFalse(c.events().contains("inputClosed"), "held back: six commands read before the FIN are not answered yet");
        assertTrue(c.isOpen());

        String got = drainOneAnswerAtATime(c);
        assertAnswers(answers(1, 7), got, "all seven answers, in order, before the close");
        assertEquals(List.of("cmd1", "cmd2", "cmd3", "cmd4", "cmd5", "cmd6", "cmd7", "FIN"), app.executed,
                "the FIN reaches the application after the seven commands read before it");
        assertTrue(c.isClosed());
        assertFalse(c.isAborted(), "a clean close after the last answer");
    }

    @Test
    void peerFinAfterPipelinedCommandsGetsEveryAnswer() {
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(new LineCodec(64)).add(app));
        c.peerWindow(0);
        c.feed(SEVEN).finishInput();
        String got = drainOneAnswerAtATime(c);
        assertAnswers(answers(1, 7), got);
        assertTrue(c.isClosed() && !c.isAborted());
    }

    @Test
    void gracefulCloseWhilePausedAnswersTheCommandsAlreadyRead() {
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(new LineCodec(64)).add(app));
        c.peerWindow(0);
        c.feed(SEVEN);
        c.connection().closeGracefully();
        c.runPending();
        assertEquals(List.of("cmd1"), app.executed, "the decoder holds the graceful close while six commands wait");
        assertTrue(c.isOpen());

        c.peerWindow(ANSWER);
        StringBuilder got = new StringBuilder();
        for (int k = 1; k <= 7; k++) {
            got.append(c.takeWrittenString());
        }
        assertAnswers(answers(1, 7), got.toString());
        assertEquals(List.of("cmd1", "cmd2", "cmd3", "cmd4", "cmd5", "cmd6", "cmd7", "INSTANCE"), app.executed,
                "the graceful close goes on after the seven commands read before it");
    }

    @Test
    void aDecoderThatRemovesItselfAfterResumingHandsOnTheRestRaw() {
        LineCodec lines = new LineCodec(64);
        List<Object> seen = new ArrayList<>();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(lines).add(new Handler() {
            @Override
            public void read(HandlerContext ctx, Object message) {
                seen.add(message instanceof String ? message : "bytes");
                if ("RAW".equals(message)) {
                    ctx.pipeline().remove(lines);
                } else if (message instanceof String) {
                    ctx.write(answer((String) message));
                }
                ctx.fireRead(message);
            }
        }));
        c.peerWindow(0);
        c.feed("one\ntwo\nRAW\nthree\nfour");
        assertEquals(List.of("one"), seen, "paused after the first answer");
        c.peerWindow(Long.MAX_VALUE);
        assertEquals(List.of("one", "two", "RAW", "bytes"), seen);
        List<Object> delivered = c.readMessages();
        assertEquals(List.of("one", "two", "RAW"), delivered.subList(0, 3));
        assertArrayEquals("three\nfour".getBytes(StandardCharsets.US_ASCII), (byte[]) delivered.get(3),
                "the bytes after RAW, kept while paused, go on undecoded and exact");
    }

    @Test
    void aPausedDecoderRemovedFromOutsideHandsOnWhatItKept() {
        LineCodec lines = new LineCodec(64);
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(FRONT).add(lines).add(app));
        c.peerWindow(0);
        c.feed("a\nb\n");
        c.pipeline().context(FRONT).fireInputClosed();
        assertEquals(List.of("a"), app.executed, "paused after a, with b kept and the FIN held");
        c.pipeline().remove(lines);
        assertArrayEquals("b\n".getBytes(StandardCharsets.US_ASCII), (byte[]) c.readMessage(), "the kept bytes go on");
        assertEquals(List.of("a", "FIN"), app.executed, "then the held FIN");
    }

    @Test
    void aClosedConnectionDropsWhatThePausedDecoderKept() {
        LineCodec lines = new LineCodec(64);
        BigAnswers app = new BigAnswers();
        EmbeddedConnection c = new EmbeddedConnection(SMALL, 64 * 1024, p -> p.add(lines).add(app));
        c.peerWindow(0);
        c.feed(SEVEN);
        assertEquals(1, app.executed.size());
        c.connection().abort();
        c.runPending();
        assertTrue(c.isAborted());
        c.pipeline().remove(lines);
        assertEquals(null, c.readMessage(), "nothing was kept after the close");
        assertEquals(1, app.executed.size(), "the six commands not executed never are");
    }
}
