package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP upgrade seam: a 101 in request order hands the connection, and the bytes after the request, to a new protocol. */
class UpgradeTest {
    private static final String OFFER = "GET /up HTTP/1.1\r\nHost: t\r\nUpgrade: shout\r\nConnection: keep-alive, Upgrade\r\n\r\n";
    private static final HttpResponse SWITCH = HttpResponse.of(101).header("Upgrade", "shout").header("Connection", "Upgrade");

    /** The new protocol: answers every read with its bytes in upper case, and records what it saw. */
    private static final class Shout implements Handler {
        final StringBuilder seen = new StringBuilder();
        boolean added;

        @Override
        public void added(HandlerContext ctx) {
            added = true;
        }

        @Override
        public void read(HandlerContext ctx, Object message) {
            ByteBuffer in = (ByteBuffer) message;
            String text = StandardCharsets.US_ASCII.decode(in).toString();
            seen.append(text);
            ctx.write(text.toUpperCase().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final List<Shout> protocols = new ArrayList<>();
    private final List<HttpResponder> held = new ArrayList<>();
    private final List<Throwable> refused = new ArrayList<>();

    private final Routes routes = Routes.builder()
            .get("/up", (req, res) -> {
                Shout shout = new Shout();
                protocols.add(shout);
                res.upgrade(SWITCH, shout);
            })
            .get("/up-later", (req, res) -> held.add(res))
            .get("/no", (req, res) -> res.send(HttpResponse.of(426).header("Upgrade", "shout").body("not here\n")))
            .get("/plain", (req, res) -> {
                try {
                    res.upgrade(SWITCH, new Shout());
                } catch (IllegalStateException e) {
                    refused.add(e);
                    res.send(HttpResponse.text("plain"));
                }
            })
            .get("/later", (req, res) -> held.add(res))
            .build();

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(p -> new HttpService(routes).accept(p));
    }

    private static String head(String written) {
        return written.substring(0, written.indexOf("\r\n\r\n") + 4);
    }

    private static String afterHead(String written) {
        return written.substring(written.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void the101LeavesAndTheBytesAfterTheRequestGoToTheNewProtocol() {
        EmbeddedConnection c = connection();
        c.feed(OFFER + "hello ");
        String written = c.takeWrittenString();
        assertTrue(written.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), written);
        String head = head(written);
        assertTrue(head.contains("Upgrade: shout\r\n") && head.contains("Connection: Upgrade\r\n"), head);
        assertFalse(head.contains("Content-Length"), "a 101 has no body and says no length: " + head);
        assertEquals("HELLO ", afterHead(written), "the bytes read with the request reach the new protocol");

        c.feed("GET / HTTP/1.1\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\n\r\n", c.takeWrittenString(), "no HTTP is parsed after the switch");
        assertEquals("hello GET / HTTP/1.1\r\n\r\n", protocols.get(0).seen.toString());
        assertNull(c.pipeline().get(HttpConnection.class), "the HTTP stage left the pipeline");
        assertTrue(c.isOpen());
    }

    @Test
    void everySplitDeliversTheSameBytes() {
        byte[] input = (OFFER + "one two three").getBytes(StandardCharsets.US_ASCII);
        Splits.check(input, this::connection, c -> {
            String written = c.takeWrittenString();
            assertTrue(written.startsWith("HTTP/1.1 101 "), written);
            assertEquals("ONE TWO THREE", afterHead(written));
        });
    }

    @Test
    void the101WaitsForTheAnswersBeforeIt() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/later") + OFFER + "after");
        assertEquals("", c.takeWrittenString(), "the first request is not answered yet, so nothing leaves");
        assertTrue(protocols.get(0).seen.isEmpty());
        assertFalse(protocols.get(0).added, "the protocol starts only when the 101 leaves");

        held.get(0).send(HttpResponse.text("first"));
        c.runPending();
        String written = c.takeWrittenString();
        List<Responses.Response> responses = Responses.parse(written.substring(0, written.indexOf("HTTP/1.1 101")));
        assertEquals(1, responses.size());
        assertEquals("first", responses.get(0).text());
        String rest = written.substring(written.indexOf("HTTP/1.1 101"));
        assertEquals("AFTER", afterHead(rest), "the 101, then the new protocol's answer, in that order");
    }

    @Test
    void anUpgradeFromLaterGetsTheBytesThatCameMeanwhile() {
        EmbeddedConnection c = connection();
        c.feed(OFFER.replace("/up ", "/up-later ") + "early ");
        assertEquals("", c.takeWrittenString());
        c.feed("bytes");
        assertEquals("", c.takeWrittenString(), "bytes after an upgrade offer wait for its answer, unparsed");

        Shout shout = new Shout();
        held.get(0).upgrade(SWITCH, shout);
        c.runPending();
        String written = c.takeWrittenString();
        assertTrue(written.startsWith("HTTP/1.1 101 "), written);
        assertEquals("EARLY BYTES", afterHead(written));
    }

    @Test
    void aPlainAnswerToTheOfferGoesOnWithHttp() {
        EmbeddedConnection c = connection();
        c.feed(OFFER.replace("/up ", "/no ") + HttpTestSupport.get("/plain"));
        List<Responses.Response> responses = Responses.parse(c.takeWrittenString());
        assertEquals(List.of(426, 200), responses.stream().map(Responses.Response::status).toList(),
                "the request after a refused offer is read as HTTP");
        assertTrue(c.isOpen());
    }

    @Test
    void onlyARequestThatOffersAnUpgradeCanBeUpgraded() {
        EmbeddedConnection c = connection();
        c.feed(HttpTestSupport.get("/plain"));
        c.feed("GET /plain HTTP/1.0\r\nUpgrade: shout\r\nConnection: upgrade, keep-alive\r\n\r\n");
        c.feed("GET /plain HTTP/1.1\r\nHost: t\r\nUpgrade: shout\r\n\r\n");
        assertEquals(3, refused.size(), "no Upgrade; HTTP/1.0; Upgrade not named in Connection");
        assertEquals(List.of(200, 200, 200),
                Responses.parse(c.takeWrittenString()).stream().map(Responses.Response::status).toList());
    }

    @Test
    void informationalStatusesCannotBeSentAndAnUpgradeNeeds101() {
        EmbeddedConnection c = connection();
        c.feed(OFFER.replace("/up ", "/up-later "));
        HttpResponder responder = held.get(0);
        assertThrows(IllegalArgumentException.class, () -> responder.send(HttpResponse.of(101)));
        assertThrows(IllegalArgumentException.class, () -> responder.send(HttpResponse.of(103)));
        assertThrows(IllegalArgumentException.class, () -> responder.upgrade(HttpResponse.of(200), new Shout()));
        assertThrows(IllegalArgumentException.class, () -> responder.upgrade(HttpResponse.of(101).body("x"), new Shout()));
        assertFalse(responder.isAnswered(), "a refused call does not answer the request");
        responder.upgrade(SWITCH, new Shout());
        assertThrows(IllegalStateException.class, () -> responder.send(HttpResponse.text("twice")));
    }

    @Test
    void aGracefulCloseBeforeTheUpgradeRefusesItWith503() {
        EmbeddedConnection c = connection();
        c.feed(OFFER.replace("/up ", "/up-later "));
        c.connection().closeGracefully();
        c.runPending();
        Shout shout = new Shout();
        held.get(0).upgrade(SWITCH, shout);
        c.runPending();
        List<Responses.Response> responses = Responses.parse(c.takeWrittenString());
        assertEquals(1, responses.size());
        assertEquals(503, responses.get(0).status());
        assertEquals("close", responses.get(0).header("Connection"));
        assertFalse(shout.added, "the new protocol never starts on a closing connection");
        assertTrue(c.isClosed());
    }

    @Test
    void httpTimersStopWithTheSwitch() {
        EmbeddedConnection c = connection();
        c.feed(OFFER);
        c.takeWrittenString();
        c.advance(Duration.ofMinutes(10));
        assertTrue(c.isOpen(), "HTTP's keep-alive and header timeouts no longer apply to the new protocol");
    }
}
