package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpService;
import io.switchboard.http.Routes;
import io.switchboard.testing.EmbeddedConnection;
import io.switchboard.testing.Splits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's opening handshake (RFC 6455 section 4.2) on an HTTP route, and the WebSocket it opens. */
class WebSocketUpgradeTest {
    /** The key and accept value of RFC 6455 section 1.3. */
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private final List<WebSocket> opened = new ArrayList<>();
    private final WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onOpen(WebSocket ws) {
            opened.add(ws);
        }

        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }
    };

    private final Routes routes = Routes.builder()
            .get("/ws", WebSocketUpgrade.builder(request -> echo).subprotocols("v2.chat", "v1.chat").build())
            .get("/deflate", WebSocketUpgrade.builder(request -> echo)
                    .config(WebSocketConfig.DEFAULTS.withDeflate(DeflateOptions.DEFAULTS)).build())
            .get("/strict", WebSocketUpgrade.builder(request -> echo).allowedOrigins("https://chat.example").build())
            .get("/picky", WebSocketUpgrade.builder(request -> "ok".equals(request.queryParam("token")) ? echo : null).build())
            .build();

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(p -> new HttpService(routes).accept(p));
    }

    private static String handshake(String target, String... extra) {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: server.example\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** The status line and fields of the first answer in {@code written}, and what follows it. */
    private record Answer(int status, Map<String, String> fields, byte[] rest) {
        static Answer of(byte[] written) {
            String text = new String(written, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                fields.put(lines[i].substring(0, colon).toLowerCase(), lines[i].substring(colon + 1).strip());
            }
            byte[] rest = new byte[written.length - end - 4];
            System.arraycopy(written, end + 4, rest, 0, rest.length);
            return new Answer(Integer.parseInt(lines[0].substring(9, 12)), fields, rest);
        }
    }

    @Test
    void aValidHandshakeSwitchesAndTheSocketEchoes() {
        EmbeddedConnection c = connection();
        c.feed(handshake("/ws"));
        c.runPending();
        Answer a = Answer.of(c.takeWritten());
        assertEquals(101, a.status());
        assertEquals("websocket", a.fields().get("upgrade"));
        assertEquals("Upgrade", a.fields().get("connection"));
        assertEquals(ACCEPT, a.fields().get("sec-websocket-accept"), "RFC 6455 section 1.3's example");
        assertNull(a.fields().get("sec-websocket-protocol"), "none offered, none chosen");
        assertNull(a.fields().get("sec-websocket-extensions"), "compression is opt-in per route");
        assertEquals(1, opened.size());

        c.feed(Wire.maskedText("hello"));
        Wire.Frame echoed = Wire.single(c.takeWritten());
        assertEquals(Wire.TEXT, echoed.opcode());
        assertFalse(echoed.masked(), "a server does not mask");
        assertEquals("hello", echoed.text());
    }

    @Test
    void framesSentRightBehindTheHandshakeAreReadAtEverySplit() {
        byte[] input = Wire.concat(handshake("/ws").getBytes(StandardCharsets.US_ASCII), Wire.maskedText("one"),
                Wire.maskedText("two"));
        Splits.check(input, this::connection, c -> {
            c.runPending();
            Answer a = Answer.of(c.takeWritten());
            assertEquals(101, a.status());
            List<Wire.Frame> frames = Wire.parse(a.rest());
            assertEquals(List.of("one", "two"), frames.stream().map(Wire.Frame::text).toList());
        });
    }

    @Test
    void theServersFirstSubprotocolTheClientOffersIsChosen() {
        EmbeddedConnection c = connection();
        c.feed(handshake("/ws", "Sec-WebSocket-Protocol: v1.chat, v2.chat", "Sec-WebSocket-Protocol: other"));
        c.runPending();
        assertEquals("v2.chat", Answer.of(c.takeWritten()).fields().get("sec-websocket-protocol"));
        assertEquals("v2.chat", opened.get(0).subprotocol());

        EmbeddedConnection none = connection();
        none.feed(handshake("/ws", "Sec-WebSocket-Protocol: mqtt"));
        none.runPending();
        Answer a = Answer.of(none.takeWritten());
        assertEquals(101, a.status(), "no common subprotocol: the client decides");
        assertNull(a.fields().get("sec-websocket-protocol"));
        assertNull(opened.get(1).subprotocol());
    }

    @Test
    void deflateIsAgreedOnARouteThatAllowsItAndDeclinedWhereTheJdkCannotHonourIt() {
        EmbeddedConnection c = connection();
        c.feed(handshake("/deflate", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"));
        c.runPending();
        assertEquals("permessage-deflate", Answer.of(c.takeWritten()).fields().get("sec-websocket-extensions"));

        EmbeddedConnection small = connection();
        small.feed(handshake("/deflate", "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10"));
        small.runPending();
        Answer a = Answer.of(small.takeWritten());
        assertEquals(101, a.status());
        assertNull(a.fields().get("sec-websocket-extensions"), "a 10-bit server window is declined, not faked");

        EmbeddedConnection off = connection();
        off.feed(handshake("/ws", "Sec-WebSocket-Extensions: permessage-deflate"));
        off.runPending();
        assertNull(Answer.of(off.takeWritten()).fields().get("sec-websocket-extensions"));
    }

    @Test
    void anInvalidHandshakeGetsItsStatusAndTheConnectionStaysHttp() {
        assertRefused(426, "GET /ws HTTP/1.1\r\nHost: s\r\n\r\n");
        assertRefused(426, handshake("/ws").replace("Upgrade: websocket", "Upgrade: h2c"));
        assertRefused(426, handshake("/ws").replace("HTTP/1.1", "HTTP/1.0"));
        assertRefused(400, handshake("/ws").replace("Connection: Upgrade", "Connection: keep-alive"));
        assertRefused(426, handshake("/ws").replace("Version: 13", "Version: 8"));
        assertRefused(400, handshake("/ws").replace("Sec-WebSocket-Key: " + KEY + "\r\n", ""));
        assertRefused(400, handshake("/ws").replace(KEY, "c2hvcnQ="));
        assertRefused(400, handshake("/ws", "Sec-WebSocket-Key: " + KEY));
        assertRefused(400, handshake("/ws", "Content-Length: 2").replace("\r\n\r\n", "\r\n\r\nhi"));
        assertRefused(403, handshake("/strict", "Origin: https://evil.example"));
        assertRefused(403, handshake("/picky?token=no"));
        assertTrue(opened.isEmpty());

        EmbeddedConnection c = connection();
        c.feed(handshake("/ws").replace("Version: 13", "Version: 8"));
        c.runPending();
        assertEquals("13", Answer.of(c.takeWritten()).fields().get("sec-websocket-version"), "RFC 6455 section 4.4");
    }

    @Test
    void allowedOriginsAndNoOriginPass() {
        for (String origin : new String[] {"Origin: https://chat.example", null}) {
            EmbeddedConnection c = connection();
            c.feed(origin == null ? handshake("/strict") : handshake("/strict", origin));
            c.runPending();
            assertEquals(101, Answer.of(c.takeWritten()).status(), String.valueOf(origin));
        }
        EmbeddedConnection c = connection();
        c.feed(handshake("/picky?token=ok"));
        c.runPending();
        assertEquals(101, Answer.of(c.takeWritten()).status());
    }

    private void assertRefused(int status, String request) {
        EmbeddedConnection c = connection();
        c.feed(request + "GET /ws HTTP/1.1\r\nHost: s\r\n\r\n");
        c.runPending();
        String written = new String(c.takeWritten(), StandardCharsets.ISO_8859_1);
        Answer a = Answer.of(written.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(status, a.status(), request);
        assertTrue(written.indexOf("HTTP/1.1 ", 12) > 0 || !c.isOpen(),
                "the connection goes on with HTTP (the next request is answered) or closes: " + written);
    }
}
