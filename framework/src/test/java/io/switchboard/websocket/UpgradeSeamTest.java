package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.PONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seam the HTTP upgrade uses: a handler that read the handshake replaces itself with the stage on a running
 * connection and hands it the bytes it read after the handshake; the stage opens first, then reads them, however
 * the bytes were cut.
 */
class UpgradeSeamTest {
    private static final String HANDSHAKE = "UPGRADE\n";

    /** Stands in for the HTTP connection: reads one line, then switches the protocol. */
    static final class FakeHandshake implements Handler {
        private final StringBuilder line = new StringBuilder();
        private final Recorder recorder;

        FakeHandshake(Recorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer in = (ByteBuffer) message;
            while (in.hasRemaining()) {
                char c = (char) in.get();
                line.append(c);
                if (c == '\n') {
                    assertEquals(HANDSHAKE, line.toString());
                    ctx.pipeline().replace(this, WebSocketStage.server(recorder, WebSocketConfig.DEFAULTS, null));
                    if (in.hasRemaining()) {
                        ctx.fireRead(in); // the bytes read after the handshake, to the stage now in this place
                    }
                    return;
                }
            }
        }
    }

    @Test
    void theStageOpensAndReadsWhatCameWithTheHandshake() {
        byte[] input = Wire.concat(HANDSHAKE.getBytes(StandardCharsets.US_ASCII), Wire.maskedText("first"),
                Wire.masked(FIN | PING, Wire.utf8("p")), Wire.maskedText("second"));
        Splits.check(input, () -> {
            Recorder r = new Recorder();
            EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new FakeHandshake(r)));
            c.connection().attr(FrameCodecTest.RECORDER, r);
            return c;
        }, c -> {
            assertEquals(List.of("open", "text:first", "ping:p", "text:second"), FrameCodecTest.recorder(c).events);
            assertEquals(PONG, Wire.single(c.takeWritten()).opcode());
        });
    }

    @Test
    void withNothingAfterTheHandshakeItOpensOnTheLoopsNextTurn() {
        Recorder r = new Recorder();
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new FakeHandshake(r)));
        c.feed(HANDSHAKE);
        assertEquals(List.of("open"), r.events, "opened by the task the stage queued when it was added");
        r.ws.sendText("hello");
        c.runPending();
        assertEquals("hello", Wire.single(c.takeWritten()).text());
    }
}
