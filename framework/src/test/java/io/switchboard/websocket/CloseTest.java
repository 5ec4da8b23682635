package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.CLOSE;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.GracefulClose;
import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The closing handshake (RFC 6455 sections 5.5.1, 7): status codes, echo, who closes the connection, timeouts. */
class CloseTest {

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void aValidStatusIsEchoedAndTheServerClosesFirst(int status) {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.maskedClose(status, "why"));
        Wire.Frame echo = Wire.single(c.takeWritten());
        assertEquals(status, echo.closeStatus(), "the status is echoed");
        assertFalse(echo.masked());
        assertTrue(c.isClosed(), "the server closes the connection at once after the handshake");
        assertFalse(c.isAborted(), "cleanly");
        assertEquals(List.of("open", "close:" + status), r.events);
        assertEquals("why", r.closeReason);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void anInvalidStatusIsAProtocolError(int status) {
        FrameRulesTest.assertFails(1002, WebSocketConfig.DEFAULTS, Wire.maskedClose(status, ""));
    }

    @Test
    void aOneBytePayloadIsAProtocolError() {
        FrameRulesTest.assertFails(1002, WebSocketConfig.DEFAULTS, Wire.masked(FIN | CLOSE, new byte[] {3}));
    }

    @Test
    void theReasonMustBeValidUtf8() {
        byte[] payload = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xED, (byte) 0xA0, (byte) 0x80}; // a surrogate
        FrameRulesTest.assertFails(1007, WebSocketConfig.DEFAULTS, Wire.masked(FIN | CLOSE, payload));
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.maskedClose(1000, "κόσμε"));
        assertEquals("κόσμε", r.closeReason);
    }

    @Test
    void anEmptyCloseIsAnsweredWithAnEmptyClose() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.masked(FIN | CLOSE, new byte[0]));
        Wire.Frame echo = Wire.single(c.takeWritten());
        assertEquals(0, echo.payload().length);
        assertEquals(1005, r.closeStatus, "the handler is told no status came");
        assertTrue(c.isClosed());
    }

    @Test
    void whatFollowsTheCloseFrameIsIgnored() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.concat(Wire.maskedClose(1000, ""), Wire.maskedText("after"), Wire.masked(FIN | PING, new byte[0])));
        assertEquals(List.of("open", "close:1000"), r.events);
        assertEquals(1, Wire.parse(c.takeWritten()).size(), "only the echo: no pong after a close");
    }

    @Test
    void theApplicationsCloseWaitsForThePeersAndDropsWhatComesMeanwhile() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        r.ws.close(4001, "done here");
        c.runPending();
        Wire.Frame sent = Wire.single(c.takeWritten());
        assertEquals(4001, sent.closeStatus());
        assertEquals("done here", sent.closeReason());
        assertFalse(r.ws.isOpen());
        assertTrue(c.isOpen(), "the connection waits for the peer's close");
        c.feed(Wire.concat(Wire.maskedText("in flight"), Wire.masked(FIN | PING, new byte[0])));
        r.ws.sendText("too late");
        c.runPending();
        assertEquals(0, c.takeWritten().length, "no pong, no message after our close frame");
        assertEquals(List.of("open"), r.events, "the message in flight is dropped");
        c.feed(Wire.maskedClose(4001, ""));
        assertEquals(0, c.takeWritten().length, "a close that answers ours is not answered");
        assertTrue(c.isClosed());
        assertEquals(List.of("open", "close:4001"), r.events);
    }

    @Test
    void aPeerThatDoesNotAnswerIsClosedAfterTheCloseTimeout() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r, WebSocketConfig.DEFAULTS.withCloseTimeout(Duration.ofSeconds(5)));
        r.ws.close();
        c.runPending();
        assertEquals(1000, Wire.single(c.takeWritten()).closeStatus());
        c.advance(Duration.ofMillis(4900));
        assertTrue(c.isOpen(), "4.9 s of 5 s");
        c.advance(Duration.ofMillis(100));
        assertTrue(c.isClosed(), "closed at 5 s");
        assertEquals(1006, r.closeStatus, "no close frame came back");
    }

    @Test
    void theApplicationMaySendOnlyValidStatuses() {
        Recorder r = new Recorder();
        FrameCodecTest.server(r);
        for (int status : new int[] {999, 1004, 1005, 1006, 1015, 2000, 5000}) {
            assertThrows(IllegalArgumentException.class, () -> r.ws.close(status, ""), "status " + status);
        }
        assertTrue(r.ws.isOpen());
    }

    @Test
    void aLongReasonIsCutAtACharactersStart() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        r.ws.close(1000, "é".repeat(100)); // 200 bytes; 123 would cut the 62nd é in half
        c.runPending();
        Wire.Frame sent = Wire.single(c.takeWritten());
        assertEquals(2 + 122, sent.payload().length);
        assertEquals("é".repeat(61), sent.closeReason());
    }

    @Test
    void aGracefulCloseSaysGoingAwayAndWaits() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.connection().closeGracefully();
        c.runPending();
        assertEquals(1001, Wire.single(c.takeWritten()).closeStatus());
        assertTrue(c.isOpen(), "waits for the peer's close frame");
        c.feed(Wire.maskedClose(1001, ""));
        assertTrue(c.isClosed());
    }

    @Test
    void closingTheConnectionSendsACloseFrameFirst() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.connection().close();
        c.runPending();
        assertEquals(1001, Wire.single(c.takeWritten()).closeStatus());
        assertTrue(c.isClosed(), "without waiting");
        assertEquals(1006, r.closeStatus);
    }

    @Test
    void aPeerThatLeavesWithoutACloseFrameIsAnAbnormalClose() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.maskedText("hi")).finishInput();
        assertTrue(c.isClosed());
        assertEquals(List.of("open", "text:hi", "close:1006"), r.events);
        assertEquals(0, c.takeWritten().length, "no close frame to a peer that left");
    }

    @Test
    void aClientWaitsForTheServerToCloseTheConnection() {
        Recorder r = new Recorder();
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(WebSocketStage.client(r, WebSocketConfig.DEFAULTS, null)));
        c.feed(Wire.unmasked(FIN | CLOSE, new byte[] {0x03, (byte) 0xE8}));
        Wire.Frame echo = Wire.single(c.takeWritten());
        assertEquals(1000, echo.closeStatus());
        assertTrue(echo.masked());
        assertTrue(c.isOpen(), "the client lets the server close first");
        c.finishInput();
        assertTrue(c.isClosed());
        assertEquals(1000, r.closeStatus);

        Recorder r2 = new Recorder();
        EmbeddedConnection c2 = new EmbeddedConnection(p -> p.add(WebSocketStage.client(r2, WebSocketConfig.DEFAULTS, null)));
        c2.feed(Wire.unmasked(FIN | CLOSE, new byte[] {0x03, (byte) 0xE8}));
        c2.advance(Duration.ofSeconds(5));
        assertTrue(c2.isClosed(), "a server that does not close is closed by the client after the close timeout");
    }

    @Test
    void aHandlerThatThrowsFailsTheConnectionWithInternalError() {
        Recorder r = new Recorder() {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.equals("refuse")) {
                    throw new WebSocketException(CloseStatus.UNSUPPORTED_DATA, "not that");
                }
                throw new IllegalStateException("a bug");
            }
        };
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.maskedText("boom"));
        assertEquals(1011, Wire.single(c.takeWritten()).closeStatus());
        assertTrue(c.isClosed());
        assertTrue(c.events().contains("exception:IllegalStateException"), "the error reaches the pipeline's end: " + c.events());

        EmbeddedConnection c2 = FrameCodecTest.server(new Recorder() {
            @Override
            public void onText(WebSocket ws, String text) {
                throw new WebSocketException(CloseStatus.UNSUPPORTED_DATA, "not that");
            }
        });
        c2.feed(Wire.maskedText("refuse"));
        Wire.Frame close = Wire.single(c2.takeWritten());
        assertEquals(1003, close.closeStatus(), "a handler refuses a message with its own status");
        assertEquals("not that", close.closeReason());
    }

    @Test
    void aTextFrameAfterTheHandshakeStartedIsNotDelivered() {
        Recorder r = new Recorder();
        EmbeddedConnection c = FrameCodecTest.server(r);
        c.feed(Wire.masked(TEXT, Wire.utf8("part")));
        r.ws.close();
        c.runPending();
        c.feed(Wire.masked(FIN | Wire.CONT, Wire.utf8(" rest")));
        assertEquals(List.of("open"), r.events, "the message cut by our close is dropped");
    }
}
