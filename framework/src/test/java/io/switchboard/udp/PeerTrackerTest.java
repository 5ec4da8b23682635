package io.switchboard.udp;

import static io.switchboard.udp.DatagramPipelineTest.ALICE;
import static io.switchboard.udp.DatagramPipelineTest.BOB;
import static io.switchboard.udp.DatagramPipelineTest.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedDatagramEndpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Peers online while their datagrams arrive, offline after a silence, bounded in number. */
class PeerTrackerTest {

    private static List<String> peerEvents(EmbeddedDatagramEndpoint e) {
        return e.events().stream().filter(PeerEvent.class::isInstance).map(PeerEvent.class::cast)
                .map(ev -> ev.kind() + " " + ev.peer().address().getPort()).toList();
    }

    @Test
    void aPeerIsOnlineFromItsFirstDatagramUntilItFallsSilentForTheTimeout() {
        PeerTracker tracker = new PeerTracker(Duration.ofSeconds(30), 100);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(tracker));
        e.feed(ALICE, "hello");
        assertEquals(List.of("ONLINE 40001"), peerEvents(e), "online before its first datagram goes on");
        assertEquals(1, e.readMessages().size(), "the datagram itself goes on");
        e.advance(Duration.ofSeconds(20)).feed(ALICE, "still here").feed(BOB, "hi");
        e.advance(Duration.ofSeconds(20));
        assertTrue(tracker.isOnline(ALICE), "alice spoke 20 s ago: online");
        e.advance(Duration.ofSeconds(10));
        assertFalse(tracker.isOnline(ALICE), "30 s of silence since her last datagram");
        assertEquals(List.of("ONLINE 40001", "ONLINE 40002", "IDLE 40001", "IDLE 40002"), peerEvents(e));
        assertEquals(0, tracker.size());
    }

    @Test
    void aPeerHeardFromAgainJustMovesBackAndOthersStillExpireOnTime() {
        PeerTracker tracker = new PeerTracker(Duration.ofSeconds(10), 100);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(tracker));
        e.feed(ALICE, "a").advance(Duration.ofSeconds(1)).feed(BOB, "b").advance(Duration.ofSeconds(1)).feed(CAROL, "c");
        for (int i = 0; i < 5; i++) {
            e.advance(Duration.ofSeconds(2)).feed(ALICE, "a again");
        }
        // t = 12 s: bob (heard at 1 s) and carol (at 2 s) are past 10 s of silence; alice spoke just now.
        assertEquals(List.of("ONLINE 40001", "ONLINE 40002", "ONLINE 40003", "IDLE 40002", "IDLE 40003"),
                peerEvents(e));
        assertTrue(tracker.isOnline(ALICE));
        e.advance(Duration.ofSeconds(10));
        assertFalse(tracker.isOnline(ALICE));
    }

    @Test
    void aFullTrackerRefusesNewPeersByDefaultAndKeepsThoseOnline() {
        PeerTracker tracker = new PeerTracker(Duration.ofSeconds(10), 2);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(tracker));
        e.feed(ALICE, "a").feed(BOB, "b").feed(CAROL, "c").feed(CAROL, "c again");
        assertEquals(2, e.readMessages().size(), "carol's datagrams are dropped while 2 peers, the limit, are online");
        assertEquals(2, tracker.refused());
        assertEquals(List.of("ONLINE 40001", "ONLINE 40002"), peerEvents(e));
        e.advance(Duration.ofSeconds(10)).feed(CAROL, "now?");
        assertTrue(tracker.isOnline(CAROL), "once the others went idle there is room");
    }

    @Test
    void evictOldestMakesRoomByTakingThePeerSilentLongestOffline() {
        PeerTracker tracker = new PeerTracker(Duration.ofSeconds(10), 2, PeerTracker.WhenFull.EVICT_OLDEST);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(tracker));
        e.feed(ALICE, "a").feed(BOB, "b").feed(ALICE, "a again").feed(CAROL, "c");
        assertEquals(List.of("ONLINE 40001", "ONLINE 40002", "EVICTED 40002", "ONLINE 40003"), peerEvents(e),
                "bob spoke last before alice did again: he is the one silent longest");
        assertEquals(4, e.readMessages().size());
        assertEquals(2, tracker.size());
    }

    @Test
    void aThousandPeersHeardWithinASecondAllGoIdleByTheTimeoutAndNoSooner() {
        PeerTracker tracker = new PeerTracker(Duration.ofSeconds(5), 10_000);
        EmbeddedDatagramEndpoint e = new EmbeddedDatagramEndpoint(p -> p.add(tracker));
        for (int i = 0; i < 1000; i++) {
            e.feed(new InetSocketAddress("127.0.0.1", 20_000 + i), "x");
            if (i == 499) {
                e.advance(Duration.ofSeconds(1));
            }
        }
        e.advance(Duration.ofMillis(4999));
        assertEquals(500, tracker.size(), "at 5.999 s the first 500 (heard at 0 s) are idle, the rest (1 s) not yet");
        e.advance(Duration.ofMillis(1));
        assertEquals(0, tracker.size());
        assertEquals(1000, peerEvents(e).stream().filter(s -> s.startsWith("IDLE")).count());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new PeerTracker(Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerTracker(Duration.ofSeconds(1), 0));
    }
}
