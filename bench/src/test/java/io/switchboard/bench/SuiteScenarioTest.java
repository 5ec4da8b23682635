package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suite's scenario list: the TLS scenarios, their servers, units and place next to their plaintext peers. */
class SuiteScenarioTest {
    @Test
    void eachTlsScenarioRunsSwitchboardAndNettyRightAfterItsPlaintextPeer() {
        Map<String, String> peers = Map.of("https-plain", "http-plain", "https-pipe16", "http-pipe16",
                "tls-echo-16k", "echo-16k", "tls-handshake", "churn");
        List<String> keys = SuiteScenario.ALL.stream().map(SuiteScenario::key).toList();
        peers.forEach((tls, plain) -> {
            SuiteScenario s = SuiteScenario.byKey(tls);
            assertTrue(s.tls(), tls);
            assertFalse(SuiteScenario.byKey(plain).tls(), plain);
            assertEquals(List.of(SuiteScenario.SWITCHBOARD, SuiteScenario.NETTY), s.servers(), "no floor over TLS: " + tls);
            assertEquals(keys.indexOf(plain) + 1, keys.indexOf(tls), tls + " comes right after " + plain + ": " + keys);
            assertEquals(SuiteScenario.byKey(plain).kind() == SuiteScenario.Kind.CHURN ? SuiteScenario.Kind.HANDSHAKE
                    : SuiteScenario.byKey(plain).kind(), s.kind(), "the same load as the peer, over TLS: " + tls);
        });
        assertEquals(4, SuiteScenario.ALL.stream().filter(SuiteScenario::tls).count());
    }

    @Test
    void unitsAndRounds() {
        assertEquals("handshake", SuiteScenario.byKey("tls-handshake").unit());
        assertEquals("msg", SuiteScenario.byKey("tls-echo-16k").unit());
        assertEquals("req", SuiteScenario.byKey("https-pipe16").unit());
        assertTrue(SuiteScenario.byKey("tls-echo-16k").echo(), "TLS echo runs in rounds like the plaintext echo");
        assertFalse(SuiteScenario.byKey("tls-handshake").echo());
        assertTrue(SuiteScenario.byKey("http-plain-observe").variants(), "compared in rounds, with itself");
        assertFalse(SuiteScenario.byKey("http-plain").variants());
    }

    @Test
    void theWebSocketScenarios() {
        assertTrue(SuiteScenario.byKey("ws-echo-128").echo(), "the echo runs in rounds");
        assertEquals("msg", SuiteScenario.byKey("ws-broadcast-10k").unit());
        assertFalse(SuiteScenario.byKey("ws-broadcast-10k").echo() || SuiteScenario.byKey("ws-broadcast-10k").idle());
        for (String idle : List.of("ws-idle-10k", "ws-idle-10k-deflate")) {
            SuiteScenario s = SuiteScenario.byKey(idle);
            assertTrue(s.idle() && s.preTouch() && s.webSocket(), idle);
            assertEquals("conn", s.unit());
            assertEquals(List.of(SuiteScenario.SWITCHBOARD, SuiteScenario.NETTY), s.servers());
        }
        assertFalse(SuiteScenario.byKey("idle-10k-nopretouch").preTouch());
        assertTrue(SuiteScenario.byKey("idle-10k").preTouch());
    }
}
