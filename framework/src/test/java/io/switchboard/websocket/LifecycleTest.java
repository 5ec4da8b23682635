package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.lifecycle.ConnectionGroup;
import io.switchboard.lifecycle.Heartbeat;
import io.switchboard.lifecycle.IdleDetector;
import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle package on WebSocket connections: idle detection and heartbeats with pings, broadcast groups. */
class LifecycleTest {

    @Test
    void aHeartbeatPingsAnIdlePeerAndClosesASilentOne() {
        Recorder r = new Recorder();
        EmbeddedConnection c = new EmbeddedConnection(p -> p
                .add(new IdleDetector(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ZERO))
                .add(WebSocketStage.server(r, WebSocketConfig.DEFAULTS, null))
                .add(new Heartbeat(WebSocketStage.PING, WebSocketStage.PONG)));
        c.advance(Duration.ofSeconds(10));
        Wire.Frame ping = Wire.single(c.takeWritten());
        assertEquals(PING, ping.opcode(), "10 s without writing: a ping");
        assertEquals(0, ping.payload().length);
        c.feed(Wire.masked(Wire.FIN | Wire.PONG, new byte[0]));
        assertEquals(List.of("open", "pong:"), r.events, "the peer's pong counts as traffic, and reaches the handler");
        c.advance(Duration.ofSeconds(10));
        assertEquals(PING, Wire.single(c.takeWritten()).opcode());
        c.advance(Duration.ofSeconds(30));
        List<Wire.Frame> frames = Wire.parse(c.takeWritten());
        assertEquals(1001, frames.get(frames.size() - 1).closeStatus(), "30 s without a byte: a close frame, then the close");
        assertTrue(c.isClosed());
        assertEquals(1006, r.closeStatus);
    }

    @Test
    void aGroupBroadcastsTextToWebSocketConnections() {
        ConnectionGroup group = new ConnectionGroup();
        List<EmbeddedConnection> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EmbeddedConnection c = FrameCodecTest.server(new Recorder());
            group.add(c.connection());
            members.add(c);
        }
        assertEquals(3, group.broadcast("to everyone"));
        for (EmbeddedConnection c : members) {
            c.runPending();
            Wire.Frame f = Wire.single(c.takeWritten());
            assertEquals(TEXT, f.opcode());
            assertEquals("to everyone", f.text());
        }
        members.get(0).feed(Wire.maskedClose(1000, ""));
        assertEquals(2, group.size(), "a member leaves when its connection closes");
    }
}
