package io.switchboard.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stage's bounds with an embedded connection and its clock: who may send a header, how long it may take, what a
 * peer that leaves early costs, and that nothing after the stage runs before the header is whole.
 */
class ProxyProtocolHandlerTest {
    private static final String HEADER = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";

    private final ProxyProtocol protocol = ProxyProtocol.builder().trust("10.0.0.0/8").trust("127.0.0.1")
            .trust("2001:db8::/32").build();

    /** A server that speaks first, as SMTP does: it greets the peer by its address on connected. */
    private static final Handler BANNER = new Handler() {
        @Override
        public void connected(HandlerContext ctx) {
            ctx.write(("220 hello " + ctx.connection().remoteAddress() + "\r\n").getBytes());
            ctx.fireConnected();
        }
    };

    private EmbeddedConnection from(String ip, int port) {
        return new EmbeddedConnection(new InetSocketAddress(ip, port), p -> p.add(protocol.newHandler()).add(BANNER));
    }

    @Test
    void onlyTrustedSourcesMaySendAHeaderOthersAreClosedAtOnceAndCounted() {
        for (String trusted : List.of("10.1.2.3", "127.0.0.1", "2001:db8:ffff::1")) {
            EmbeddedConnection c = from(trusted, 1000);
            assertTrue(c.isOpen(), trusted + " is trusted");
            c.feed(HEADER);
            assertEquals("220 hello /192.0.2.10:56324\r\n", c.takeWrittenString());
        }
        for (String untrusted : List.of("11.0.0.1", "127.0.0.2", "2001:db9::1", "192.0.2.10")) {
            EmbeddedConnection c = from(untrusted, 1000);
            assertFalse(c.isOpen(), untrusted + " is not trusted: closed on connect, before it sends anything");
            assertEquals("", c.takeWrittenString(), "the banner was never written");
        }
        assertEquals(4, protocol.counters().untrusted());
        assertEquals(3, protocol.counters().relayed());
        // An address that is no IP address (a test transport's unresolved name) is not trusted either.
        EmbeddedConnection unnamed = new EmbeddedConnection(p -> p.add(protocol.newHandler()));
        assertFalse(unnamed.isOpen());
        assertEquals(5, protocol.counters().untrusted());
    }

    @Test
    void nothingAfterTheStageRunsBeforeTheHeaderIsWhole() {
        EmbeddedConnection c = from("127.0.0.1", 1000);
        c.feed(HEADER.substring(0, 20));
        assertEquals("", c.takeWrittenString(), "the server speaks first only once the header is read");
        c.feed(HEADER.substring(20));
        assertEquals("220 hello /192.0.2.10:56324\r\n", c.takeWrittenString(),
                "and then names the client, not the proxy");
    }

    @Test
    void aHeaderNotWholeWithinTheDeadlineClosesTheConnection() {
        EmbeddedConnection c = from("127.0.0.1", 1000);
        c.feed(HEADER.substring(0, 10));
        c.advance(ProxyProtocol.DEFAULT_HEADER_TIMEOUT.minusMillis(1));
        assertTrue(c.isOpen(), "still within the 3 s deadline");
        c.advance(Duration.ofMillis(1));
        assertFalse(c.isOpen(), "3 s after connect without a whole header: closed");
        assertEquals("", c.takeWrittenString());
        assertEquals(1, protocol.counters().timedOut());
        // A peer that sends nothing at all is timed out the same way.
        EmbeddedConnection silent = from("127.0.0.1", 1001);
        silent.advance(ProxyProtocol.DEFAULT_HEADER_TIMEOUT);
        assertFalse(silent.isOpen());
        assertEquals(2, protocol.counters().timedOut());
    }

    @Test
    void theDeadlineIsCancelledOnceTheHeaderIsRead() {
        EmbeddedConnection c = from("127.0.0.1", 1000).feed(HEADER);
        c.takeWrittenString();
        c.advance(Duration.ofMinutes(1));
        assertTrue(c.isOpen(), "a connection whose header came is not timed out later");
        assertEquals(0, protocol.counters().timedOut());
    }

    @Test
    void aPeerThatEndsBeforeItsHeaderIsWholeIsCountedAndClosed() {
        EmbeddedConnection c = from("127.0.0.1", 1000).feed(HEADER.substring(0, 30)).finishInput();
        assertFalse(c.isOpen());
        assertEquals(1, protocol.counters().closedEarly());
        assertFalse(c.events().contains("inputClosed"), "the handlers after the stage were never connected");
        assertTrue(c.events().contains("closed"), "they see closed, as when a pipeline fails to open: " + c.events());
    }

    @Test
    void aLocalHealthCheckKeepsTheProxysAddress() {
        EmbeddedConnection c = from("127.0.0.1", 1000).feed(ProxyFrames.v2().versionCommand(0x20).familyTransport(0).bytes());
        assertEquals("220 hello /127.0.0.1:1000\r\n", c.takeWrittenString());
        assertEquals(1, protocol.counters().local());
    }

    @Test
    void theBuilderRequiresTrustedRangesAndSaneBounds() {
        assertThrows(IllegalStateException.class, () -> ProxyProtocol.builder().build());
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.builder().trust("10.1.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.builder().trust("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.builder().trust("example.com"));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.builder().maxTlvBytes(16_001));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.builder().headerTimeout(Duration.ZERO));
        ProxyProtocol any = ProxyProtocol.builder().trust("0.0.0.0/0").trust("::/0").build();
        assertTrue(any.isTrusted(new InetSocketAddress("203.0.113.9", 1)));
        assertTrue(any.isTrusted(new InetSocketAddress("2001:db8::9", 1)));
    }
}
