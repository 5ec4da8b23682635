package io.switchboard.websocket;

import static io.switchboard.websocket.Wire.BINARY;
import static io.switchboard.websocket.Wire.FIN;
import static io.switchboard.websocket.Wire.PING;
import static io.switchboard.websocket.Wire.PONG;
import static io.switchboard.websocket.Wire.RSV1;
import static io.switchboard.websocket.Wire.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.pipeline.Pipeline;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The client's opening handshake (RFC 6455 section 4.1) driven in memory: the request it writes, the server's answer
 * at every split (with the first frames in the same read), every refusal, and permessage-deflate agreed and used both
 * ways.
 */
class ClientHandshakeTest {
    /** The key and accept value of RFC 6455 section 1.3. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + ACCEPT + "\r\n";

    /** One handshake under test: its connection, its handler and its future. */
    private static final class Attempt {
        final Recorder recorder = new Recorder();
        final CompletableFuture<WebSocket> result = new CompletableFuture<>();
        final EmbeddedConnection connection;

        Attempt(WebSocketClient options) {
            this(options, p -> { });
        }

        Attempt(WebSocketClient options, Consumer<Pipeline> more) {
            connection = new EmbeddedConnection(p -> {
                p.add(new ClientHandshake(options, "server.example:8080", "/chat?room=a%20b", KEY, recorder, result));
                more.accept(p);
            });
            connection.connection().attr(FrameCodecTest.RECORDER, recorder);
        }

        /** The handshake's failure, which must be there. */
        Throwable failure() {
            assertTrue(result.isCompletedExceptionally(), "the future failed: " + result);
            return assertThrows(CompletionException.class, result::join).getCause();
        }
    }

    private static WebSocketClient.Builder options() {
        return new WebSocketClient.Builder(null);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Splits what a client wrote into its request head and the frames after it. */
    private record Written(String request, byte[] frames) {
        static Written of(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n") + 4;
            assertTrue(end > 4, "a request head in " + text);
            return new Written(text.substring(0, end), Arrays.copyOfRange(bytes, end, bytes.length));
        }

        /** The fields of the request, names lowercased; a repeated name keeps its last value. */
        Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            String[] lines = request.split("\r\n");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                fields.put(lines[i].substring(0, colon).toLowerCase(), lines[i].substring(colon + 1).strip());
            }
            return fields;
        }
    }

    // The request.

    @Test
    void theRequestAsksForTheUpgradeWithEverythingOffered() {
        WebSocketClient client = options().subprotocols("v2.chat", "v1.chat").origin("https://chat.example")
                .header("Authorization", "Bearer abc").config(WebSocketConfig.DEFAULTS.withDeflate(
                        DeflateOptions.DEFAULTS.withNoContextTakeover(false, true))).build();
        Attempt a = new Attempt(client);
        Written w = Written.of(a.connection.takeWritten());
        assertTrue(w.request().startsWith("GET /chat?room=a%20b HTTP/1.1\r\n"), w.request());
        Map<String, String> f = w.fields();
        assertEquals("server.example:8080", f.get("host"));
        assertEquals("websocket", f.get("upgrade"));
        assertEquals("Upgrade", f.get("connection"));
        assertEquals(KEY, f.get("sec-websocket-key"));
        assertEquals("13", f.get("sec-websocket-version"));
        assertEquals("https://chat.example", f.get("origin"));
        assertEquals("v2.chat, v1.chat", f.get("sec-websocket-protocol"));
        assertEquals("permessage-deflate; client_no_context_takeover", f.get("sec-websocket-extensions"));
        assertEquals("Bearer abc", f.get("authorization"));
        assertEquals(0, w.frames().length, "nothing but the request before the answer");
        assertFalse(a.result.isDone());
    }

    @Test
    void aPlainRequestOffersNothingItWasNotAskedFor() {
        Map<String, String> f = Written.of(new Attempt(options().build()).connection.takeWritten()).fields();
        assertEquals(List.of("host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version"),
                List.copyOf(f.keySet()));
    }

    @Test
    void theHandshakeHeadersCannotBeSetByHand() {
        for (String name : List.of("Host", "upgrade", "Connection", "Origin", "Sec-WebSocket-Key", "sec-websocket-protocol",
                "Content-Length")) {
            assertThrows(IllegalArgumentException.class, () -> options().header(name, "x"), name);
        }
        assertThrows(IllegalArgumentException.class, () -> options().header("X-Evil", "a\r\nHost: b"));
        assertThrows(IllegalArgumentException.class, () -> options().header("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> options().subprotocols("a,b"));
    }

    // The answer, accepted.

    @Test
    void theAnswerAndTheFirstFramesInOneReadOpenTheWebSocketAtEverySplit() {
        byte[] input = Wire.concat(ascii(SWITCHING + "\r\n"), Wire.unmasked(FIN | TEXT, Wire.utf8("one")),
                Wire.unmasked(FIN | PING, Wire.utf8("p")), Wire.unmasked(FIN | BINARY, new byte[300]));
        Splits.check(input, () -> new Attempt(options().build()).connection, c -> {
            ClientHandshake gone = c.pipeline().get(ClientHandshake.class);
            assertNull(gone, "the handshake left the pipeline");
            assertTrue(c.pipeline().get(WebSocketStage.class) != null, "the WebSocket stage took its place");
            Recorder r = FrameCodecTest.recorder(c);
            assertEquals(List.of("open", "text:one", "ping:p", "binary:300"), r.events);
            Written w = Written.of(c.takeWritten());
            Wire.Frame pong = Wire.single(w.frames());
            assertEquals(PONG, pong.opcode());
            assertTrue(pong.masked(), "a client masks");
            assertEquals("p", pong.text());
        });
    }

    @Test
    void theFutureCompletesAfterOnOpenWithTheWebSocketThatSends() {
        Attempt a = new Attempt(options().build());
        a.connection.takeWritten();
        a.connection.feed(SWITCHING + "\r\n");
        assertTrue(a.result.isDone(), "completed at the loop's next turn");
        WebSocket ws = a.result.join();
        assertEquals(List.of("open"), a.recorder.events, "onOpen ran before the future completed");
        assertNull(ws.subprotocol());
        ws.sendText("hello");
        a.connection.runPending();
        Wire.Frame f = Wire.single(a.connection.takeWritten());
        assertTrue(f.masked());
        assertEquals("hello", f.text());
    }

    @Test
    void interimAnswersBeforeThe101AreSkipped() {
        byte[] input = ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + SWITCHING + "\r\n");
        Splits.check(input, () -> new Attempt(options().build()).connection,
                c -> assertTrue(c.pipeline().get(WebSocketStage.class) != null, "the stage took over"));
    }

    @Test
    void anOfferedSubprotocolTheServerChoseIsTheWebSocketsAndNoneIsAcceptedToo() {
        Attempt a = new Attempt(options().subprotocols("v2.chat", "v1.chat").build());
        a.connection.feed(SWITCHING + "Sec-WebSocket-Protocol: v1.chat\r\n\r\n");
        assertEquals("v1.chat", a.result.join().subprotocol());

        Attempt none = new Attempt(options().subprotocols("v2.chat").build());
        none.connection.feed(SWITCHING + "\r\n");
        assertNull(none.result.join().subprotocol(), "the server may choose none; the application decides");
    }

    @Test
    void headerNamesAndTokensAreMatchedWithoutRegardToCase() {
        Attempt a = new Attempt(options().build());
        a.connection.feed("HTTP/1.1 101 \r\nupgrade:WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\n"
                + "sec-websocket-accept:   " + ACCEPT + "  \r\n\r\n");
        assertTrue(a.result.isDone() && !a.result.isCompletedExceptionally(), "accepted: " + a.result);
    }

    // The answer, refused.

    /** Feeds {@code answer} and returns the failure, after checking that the connection closed unopened. */
    private static WebSocketHandshakeException refused(WebSocketClient options, String answer) {
        Attempt a = new Attempt(options);
        a.connection.takeWritten();
        a.connection.feed(answer);
        Throwable failure = a.failure();
        assertTrue(a.connection.isClosed(), "closed after " + failure);
        assertEquals(List.of(), a.recorder.events, "the handler never opened");
        assertNull(a.connection.pipeline().get(WebSocketStage.class));
        assertEquals(0, a.connection.takeWritten().length, "nothing sent after the request");
        return assertInstanceOf(WebSocketHandshakeException.class, failure);
    }

    private static WebSocketHandshakeException refused(String answer) {
        return refused(options().build(), answer);
    }

    @Test
    void aStatusOtherThan101IsARefusalWithItsStatusReasonAndFields() {
        WebSocketHandshakeException e = refused("HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope!");
        assertEquals(403, e.status());
        assertEquals("Forbidden", e.reason());
        assertEquals("5", e.headers().get("Content-Length"));
        assertTrue(e.getMessage().contains("403 Forbidden"), e.getMessage());

        WebSocketHandshakeException upgrade = refused("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertEquals(426, upgrade.status());
        assertEquals("13", upgrade.headers().get("Sec-WebSocket-Version"));
        assertEquals(302, refused("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n").status(), "redirects are not followed");
        assertEquals(200, refused("HTTP/1.0 200 OK\r\n\r\n").status());
    }

    @Test
    void aWrongAcceptIsRefused() {
        WebSocketHandshakeException e = refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertEquals(101, e.status());
        assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
        refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        refused(SWITCHING + "Sec-WebSocket-Accept: " + ACCEPT + "\r\n\r\n");
    }

    @Test
    void aMissingOrWrongUpgradeOrConnectionIsRefused() {
        String accept = "Sec-WebSocket-Accept: " + ACCEPT + "\r\n";
        assertTrue(refused("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n" + accept + "\r\n")
                .getMessage().contains("Upgrade"));
        refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n" + accept + "\r\n");
        refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\n" + accept + "\r\n");
        assertTrue(refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" + accept + "\r\n")
                .getMessage().contains("Connection"));
        refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n" + accept + "\r\n");
        refused("HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + accept + "\r\n");
    }

    @Test
    void anExtensionOrSubprotocolNotOfferedIsRefused() {
        assertTrue(refused(SWITCHING + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n").getMessage()
                .contains("not offered"), "no compression was offered");
        WebSocketClient deflate = options().config(WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS)).build();
        refused(deflate, SWITCHING + "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n\r\n");
        refused(deflate, SWITCHING + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n\r\n");
        refused(deflate, SWITCHING + "Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n\r\n");
        refused(deflate, SWITCHING + "Sec-WebSocket-Extensions: permessage-deflate; mystery\r\n\r\n");

        assertTrue(refused(SWITCHING + "Sec-WebSocket-Protocol: chat\r\n\r\n").getMessage().contains("subprotocol"),
                "none was offered");
        WebSocketClient chat = options().subprotocols("chat", "v2").build();
        refused(chat, SWITCHING + "Sec-WebSocket-Protocol: mqtt\r\n\r\n");
        refused(chat, SWITCHING + "Sec-WebSocket-Protocol: chat, v2\r\n\r\n");
        refused(chat, SWITCHING + "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: v2\r\n\r\n");
        refused(chat, SWITCHING + "Sec-WebSocket-Protocol: CHAT\r\n\r\n");
    }

    @Test
    void aMalformedHeadIsRefused() {
        for (String answer : List.of(
                "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n",            // bare LF
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade : websocket\r\n\r\n",    // space before the colon
                SWITCHING + " folded: line\r\n\r\n",                                   // obsolete folding
                SWITCHING + ": no name\r\n\r\n",
                SWITCHING + "no colon\r\n\r\n",
                SWITCHING + "X-Nul: a\0b\r\n\r\n",
                SWITCHING + "X-Cr: a\rb\r\n\r\n",
                "HTTP/2 101 Switching Protocols\r\n\r\n",
                "HTTP/1.1 1O1 Switching Protocols\r\n\r\n",
                "HTTP/1.1 101Switching\r\n\r\n",
                "SSH-2.0-OpenSSH_9.2\r\n\r\n",
                "\r\n\r\n")) {
            WebSocketHandshakeException e = refused(answer);
            assertEquals(0, e.status(), answer + " -> " + e.getMessage());
        }
    }

    @Test
    void anOversizedHeadIsRefusedOnceItPassesTheLimitWithoutWaitingForItsEnd() {
        WebSocketClient small = options().maxResponseHead(1024).build();
        Attempt a = new Attempt(small);
        a.connection.takeWritten();
        a.connection.feed(SWITCHING);
        String filler = "X-Filler: " + "a".repeat(100) + "\r\n";
        int fed = SWITCHING.length();
        while (!a.result.isDone()) {
            assertTrue(fed <= 1024 + filler.length(), "refused by the time the limit is passed: " + fed);
            a.connection.feed(filler);
            fed += filler.length();
        }
        WebSocketHandshakeException e = assertInstanceOf(WebSocketHandshakeException.class, a.failure());
        assertTrue(e.getMessage().contains("longer than 1024"), e.getMessage());
        assertTrue(a.connection.isClosed());

        // The default limit, 16 KiB, counts interim answers too.
        String interim = "HTTP/1.1 103 Early Hints\r\nLink: " + "x".repeat(4000) + "\r\n\r\n";
        assertTrue(refused(interim.repeat(5) + SWITCHING + "\r\n").getMessage().contains("longer than 16384"));
    }

    @Test
    void theServerClosingFirstOrSayingNothingFailsTheHandshake() {
        Attempt closed = new Attempt(options().build());
        closed.connection.feed("HTTP/1.1 101 Switch");
        closed.connection.finishInput();
        assertTrue(closed.failure().getMessage().contains("closed the connection"), closed.failure().getMessage());
        assertTrue(closed.connection.isClosed());

        Attempt silent = new Attempt(options().handshakeTimeout(Duration.ofSeconds(3)).build());
        silent.connection.advance(Duration.ofMillis(2999));
        assertFalse(silent.result.isDone());
        silent.connection.advance(Duration.ofMillis(1));
        assertTrue(silent.failure().getMessage().contains("within PT3S"), silent.failure().getMessage());
        assertTrue(silent.connection.isClosed(), "closed at the 3 s timeout");
    }

    @Test
    void cancellingTheFutureClosesTheConnection() {
        Attempt a = new Attempt(options().build());
        a.result.cancel(false);
        a.connection.runPending();
        assertTrue(a.connection.isClosed());
    }

    @Test
    void nothingButHeartbeatsMayBeWrittenBeforeTheHandshakeIsDone() {
        Attempt a = new Attempt(options().build());
        a.connection.takeWritten();
        a.connection.connection().write(WebSocketStage.PING);
        a.connection.runPending();
        assertEquals(0, a.connection.takeWritten().length, "a heartbeat's ping is dropped before the WebSocket opens");
        a.connection.connection().write("too early");
        a.connection.runPending();
        assertInstanceOf(IllegalStateException.class, a.failure());
        assertTrue(a.connection.isClosed());
    }

    // permessage-deflate, agreed and used.

    @Test
    void deflateAgreedIsUsedBothWays() {
        for (String agreed : List.of("permessage-deflate", "permessage-deflate; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover", "permessage-deflate; server_max_window_bits=10")) {
            boolean serverKeeps = !agreed.contains("server_no_context_takeover");
            boolean clientKeeps = !agreed.contains("client_no_context_takeover");
            WebSocketClient client = options().config(WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS)).build();
            Attempt a = new Attempt(client);
            assertTrue(Written.of(a.connection.takeWritten()).fields().get("sec-websocket-extensions")
                    .startsWith("permessage-deflate"));
            Wire.Compressor server = new Wire.Compressor(serverKeeps);
            String text = "the quick brown fox jumps over the lazy dog; ".repeat(20);
            // The answer and two compressed messages in one read: the second refers to the first when the server
            // keeps its context.
            a.connection.feed(Wire.concat(ascii(SWITCHING + "Sec-WebSocket-Extensions: " + agreed + "\r\n\r\n"),
                    Wire.unmasked(FIN | RSV1 | TEXT, server.compress(Wire.utf8(text))),
                    Wire.unmasked(FIN | RSV1 | TEXT, server.compress(Wire.utf8(text)))));
            assertEquals(List.of("open", "text:" + text, "text:" + text), a.recorder.events, agreed);

            Wire.Decompressor decompressor = new Wire.Decompressor(clientKeeps);
            WebSocket ws = a.result.join();
            for (int i = 0; i < 2; i++) {
                ws.sendText(text);
                a.connection.runPending();
                Wire.Frame f = Wire.single(a.connection.takeWritten());
                assertEquals(4, f.rsv(), "RSV1: compressed (" + agreed + ")");
                assertTrue(f.masked());
                assertTrue(f.payload().length < text.length() / 4, "compressed to " + f.payload().length);
                assertEquals(text, new String(decompressor.decompress(f.payload()), StandardCharsets.UTF_8), agreed);
            }
        }
    }

    @Test
    void withoutDeflateAgreedTheClientSendsPlainFramesAndRefusesCompressedOnes() {
        WebSocketClient client = options().config(WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS)).build();
        Attempt a = new Attempt(client);
        a.connection.takeWritten();
        a.connection.feed(SWITCHING + "\r\n"); // the server declined the offer
        WebSocket ws = a.result.join();
        String text = "x".repeat(1000);
        ws.sendText(text);
        a.connection.runPending();
        Wire.Frame f = Wire.single(a.connection.takeWritten());
        assertEquals(0, f.rsv());
        assertEquals(text, f.text());
        a.connection.feed(Wire.unmasked(FIN | RSV1 | TEXT, new Wire.Compressor(true).compress(Wire.utf8("hi"))));
        assertEquals(1002, a.recorder.closeStatus, "RSV1 without the extension is a protocol error");
    }
}
