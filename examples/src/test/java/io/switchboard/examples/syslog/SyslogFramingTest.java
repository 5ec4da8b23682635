package io.switchboard.examples.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.EmbeddedDatagramEndpoint;
import io.switchboard.testing.Splits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The TCP framings of RFC 6587 under every split of the stream, and the same codec over datagrams. */
class SyslogFramingTest {
    private static final String A = "<165>1 2003-10-11T22:14:15.003Z host evntslog - ID47 [x@1 a=\"b\"] first";
    private static final String B = "<19>Dec  1 22:33:13 vm myapp[13562]: second\twith a tab";
    private static final String C = "<13>1 - - - - - - third, with \u00e9";

    private static EmbeddedConnection tcp() {
        return new EmbeddedConnection(p -> p.add(new SyslogFraming(SyslogServer.MAX_MESSAGE)).add(new SyslogCodec("tcp")));
    }

    private static String octetCounted(String message) {
        return message.getBytes(StandardCharsets.UTF_8).length + " " + message;
    }

    private static List<String> texts(EmbeddedConnection c) {
        return c.readMessages().stream().map(m -> ((SyslogCodec.Received) m).message().text()).toList();
    }

    @Test
    void octetCountingAndLineFramingMixedPerMessageDecodeTheSameUnderEverySplit() {
        // Octet counting, LF framing, CRLF framing and an empty line, in one stream: the framing is told per message.
        String stream = octetCounted(A) + B + "\n" + "\n" + octetCounted(C) + C + "\r\n" + octetCounted(B);
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        Splits.check(bytes, SyslogFramingTest::tcp, c -> {
            assertEquals(List.of("first", "second\twith a tab", "third, with \u00e9", "third, with \u00e9",
                    "second\twith a tab"), texts(c));
            assertTrue(c.isOpen());
        });
    }

    @Test
    void anOctetCountMayHoldLineFeedsThatAreNotFrameEnds() {
        String multiline = "<13>1 - - - - - - line one\nline two";
        Splits.check(octetCounted(multiline).getBytes(StandardCharsets.UTF_8), SyslogFramingTest::tcp,
                c -> assertEquals(List.of("line one\nline two"), texts(c)));
    }

    @Test
    void aBadOctetCountBreaksTheFramingAndClosesTheConnection() {
        for (String bad : List.of("012 <13>1 - - - - - - x", "0 ", "12x <13>", "99999999 <13>")) {
            EmbeddedConnection c = tcp();
            c.feed(bad);
            assertFalse(c.isOpen(), bad);
            assertTrue(c.events().contains("exception:ProtocolException"), bad + ": " + c.events());
        }
    }

    @Test
    void aMalformedMessageInAGoodFrameIsRejectedAndTheConnectionGoesOn() {
        EmbeddedConnection c = tcp();
        c.feed("not syslog\n" + octetCounted(C));
        List<Object> got = c.readMessages();
        assertEquals(2, got.size());
        assertTrue(((SyslogCodec.Rejected) got.get(0)).reason().contains("no PRI"));
        assertEquals("third, with \u00e9", ((SyslogCodec.Received) got.get(1)).message().text());
        assertTrue(c.isOpen());
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() {
        EmbeddedConnection c = new EmbeddedConnection(p -> p.add(new SyslogFraming(100)).add(new SyslogCodec("tcp")));
        c.feed("<13>" + "x".repeat(200));
        assertFalse(c.isOpen());
    }

    @Test
    void theSameCodecTakesOneMessagePerDatagram() {
        InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 45000);
        EmbeddedDatagramEndpoint udp = new EmbeddedDatagramEndpoint(p -> p.add(new SyslogCodec("udp")));
        udp.feed(peer, A).feed(peer, "garbage").feed(peer, B + "\n");
        List<Object> got = udp.readMessages();
        assertEquals(3, got.size());
        SyslogCodec.Received first = (SyslogCodec.Received) got.get(0);
        assertEquals("udp", first.transport());
        assertEquals(peer, first.from());
        assertEquals("first", first.message().text());
        assertTrue(((SyslogCodec.Rejected) got.get(1)).reason().contains("no PRI"));
        assertEquals("second\twith a tab", ((SyslogCodec.Received) got.get(2)).message().text());
        assertEquals(0, udp.stats().errors(), "malformed is a message, not an error");
    }
}
