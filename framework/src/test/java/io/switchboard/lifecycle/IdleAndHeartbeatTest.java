package io.switchboard.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.codec.LineCodec;
import io.switchboard.pipeline.ConnectionConfig;
import io.switchboard.testing.EmbeddedConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Idle detection and heartbeats on the embedded clock: no test waits real time. */
class IdleAndHeartbeatTest {

    private static long count(EmbeddedConnection c, IdleEvent e) {
        return c.events().stream().filter(x -> x == e).count();
    }

    @Test
    void readIdleFiresOncePerSilentPeriodAndTrafficResetsIt() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new IdleDetector(Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO)));
        c.advance(Duration.ofSeconds(9));
        assertEquals(0, count(c, IdleEvent.READ));
        c.feed("x");
        c.advance(Duration.ofSeconds(9));
        assertEquals(0, count(c, IdleEvent.READ), "the read 9 s ago restarted the period");
        c.advance(Duration.ofSeconds(1));
        assertEquals(1, count(c, IdleEvent.READ));
        c.advance(Duration.ofSeconds(5));
        assertEquals(1, count(c, IdleEvent.READ), "not again within the same period");
        c.advance(Duration.ofSeconds(5));
        assertEquals(2, count(c, IdleEvent.READ), "again after a second full period");
    }

    @Test
    void writeIdleCountsBytesThatLeaveNotWriteCalls() {
        EmbeddedConnection c = new EmbeddedConnection(ConnectionConfig.DEFAULTS, 1024,
                p -> p.add(new IdleDetector(Duration.ZERO, Duration.ofSeconds(5), Duration.ZERO)));
        c.peerWindow(1000);
        c.connection().write(new byte[3000]);
        c.runPending();
        c.advance(Duration.ofSeconds(4));
        c.takeWritten();
        assertEquals(0, count(c, IdleEvent.WRITE));
        c.advance(Duration.ofSeconds(4));
        c.takeWritten();
        assertEquals(0, count(c, IdleEvent.WRITE), "a slow write that keeps moving is not idle");
        c.advance(Duration.ofSeconds(4));
        assertEquals(0, count(c, IdleEvent.WRITE), "the last bytes left 4 s ago");
        c.peerWindow(0);
        c.connection().write(new byte[10]);
        c.runPending();
        c.advance(Duration.ofSeconds(6));
        assertTrue(count(c, IdleEvent.WRITE) >= 1, "a write stuck behind a peer that does not read is idle");
    }

    @Test
    void allIdleNeedsSilenceBothWays() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new IdleDetector(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(3))));
        c.advance(Duration.ofSeconds(2));
        c.connection().write(new byte[1]);
        c.runPending();
        c.advance(Duration.ofSeconds(2));
        assertEquals(0, count(c, IdleEvent.ALL));
        c.advance(Duration.ofSeconds(1));
        assertEquals(1, count(c, IdleEvent.ALL));
    }

    @Test
    void idleDetectorStopsWithTheConnection() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new IdleDetector(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1))));
        c.connection().close();
        c.runPending();
        c.advance(Duration.ofSeconds(10));
        assertEquals(List.of("closed"), c.events());
    }

    private static EmbeddedConnection chatLike() {
        return new EmbeddedConnection(p -> p.add(new LineCodec(100))
                .add(new IdleDetector(Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ZERO))
                .add(new Heartbeat("PING", "PONG")));
    }

    @Test
    void heartbeatPingsAfterWriteSilenceAndClosesAfterReadSilence() {
        EmbeddedConnection c = chatLike();
        c.advance(Duration.ofSeconds(14));
        assertEquals("", c.takeWrittenString());
        c.advance(Duration.ofSeconds(1));
        assertEquals("PING\n", c.takeWrittenString());
        c.feed("PONG\n");
        assertTrue(c.readMessages().isEmpty(), "PONG is the heartbeat's, not the application's");
        c.advance(Duration.ofSeconds(15));
        assertEquals("PING\n", c.takeWrittenString());
        c.advance(Duration.ofSeconds(44));
        assertTrue(c.isOpen(), "the PONG 59 s ago counts as traffic");
        c.advance(Duration.ofSeconds(1));
        assertFalse(c.isOpen(), "60 s without a byte from the peer");
    }

    @Test
    void heartbeatAnswersPingsAndPassesOtherLinesOn() {
        EmbeddedConnection c = chatLike();
        c.feed("hello\nPING\nworld\n");
        assertEquals(List.of("hello", "world"), c.readMessages());
        assertEquals("PONG\n", c.takeWrittenString());
    }

    @Test
    void backoffGrowsIsCappedAndJittered() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.2);
        java.util.Random random = new java.util.Random(1);
        long previousMax = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            double base = Math.min(100 * Math.pow(2, attempt), 2000);
            for (int i = 0; i < 50; i++) {
                long ms = b.delay(attempt, random).toMillis();
                assertTrue(ms >= base * 0.8 - 1 && ms <= Math.min(2000, base * 1.2), attempt + ": " + ms);
                previousMax = Math.max(previousMax, ms);
            }
        }
        assertTrue(previousMax <= 2000);
        assertEquals(Duration.ofMillis(100), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0).delay(0, random));
    }
}
