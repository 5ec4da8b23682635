package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.server.Client;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client against a server played frame by frame ({@link ScriptedServer}), to put GOAWAY, RST_STREAM, a
 * small window or a broken frame exactly where each test needs it.
 */
class Http2ClientEndingTest {
    private Client client;
    private ServerSocket listener;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        client = Client.builder().build();
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        listener.close();
        client.close();
    }

    /** Connects, plays the server's side of the handshake, and returns both ends. */
    private ScriptedServer server(Http2Settings settings, Http2ClientConnection[] connection) throws Exception {
        CompletableFuture<Http2ClientConnection> c = Http2Client.builder(client).build()
                .connect(URI.create("http://127.0.0.1:" + listener.getLocalPort()));
        ScriptedServer server = new ScriptedServer(listener.accept());
        open.add(server);
        ScriptedServer.Frame settingsFrame = server.handshake(settings);
        assertFalse(settingsFrame.has(Frames.ACK));
        connection[0] = c.get(10, TimeUnit.SECONDS);
        open.add(connection[0]::close);
        return server;
    }

    private static Http2RequestException failure(CompletableFuture<Http2Response> answer) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(Http2RequestException.class, e.getCause());
    }

    /** Streams 1 and 3 sent; GOAWAY names 1: stream 3 fails retryable, stream 1 finishes, then the client closes. */
    @Test
    void goAwayFailsTheStreamsAboveItsLastRetryablyAndLetsTheOthersFinish() throws Exception {
        Http2ClientConnection[] c = new Http2ClientConnection[1];
        ScriptedServer server = server(Http2Settings.DEFAULTS, c);
        CompletableFuture<Http2Response> one = c[0].send(Http2Request.get("/one"));
        CompletableFuture<Http2Response> three = c[0].send(Http2Request.get("/three"));
        Map<String, String> first = server.fields(server.await(Frames.HEADERS));
        assertEquals("/one", first.get(":path"));
        assertEquals("127.0.0.1:" + listener.getLocalPort(), first.get(":authority"));
        assertEquals("http", first.get(":scheme"));
        assertEquals(3, server.await(Frames.HEADERS).stream());
        server.writer.goAway(1, Http2Error.NO_ERROR, null);
        Http2RequestException refused = failure(three);
        assertTrue(refused.retryable(), "stream 3 was not taken: " + refused.getMessage());
        assertEquals(Http2Error.NO_ERROR, refused.error());
        Http2RequestException later = failure(c[0].send(Http2Request.get("/later")));
        assertTrue(later.retryable(), "no new stream after GOAWAY: " + later.getMessage());
        assertFalse(one.isDone(), "stream 1 was taken: it waits for its answer");
        server.headers(1, false, ":status", "200");
        server.data(1, "one", true);
        assertEquals("one", one.get(10, TimeUnit.SECONDS).bodyText());
        c[0].closeFuture().get(10, TimeUnit.SECONDS);
        assertTrue(server.closedByClient(), "the client closed once the streams it kept had ended");
    }

    /**
     * RST_STREAM fails its stream only: REFUSED_STREAM retryable, INTERNAL_ERROR not; the third request gets its
     * answer, after an interim 103 that is skipped and with its trailers; a PING is answered.
     */
    @Test
    void rstStreamFailsThatStreamOnly() throws Exception {
        Http2ClientConnection[] c = new Http2ClientConnection[1];
        ScriptedServer server = server(Http2Settings.DEFAULTS, c);
        List<CompletableFuture<Http2Response>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(c[0].send(Http2Request.get("/" + i)));
        }
        for (int stream = 1; stream <= 5; stream += 2) {
            assertEquals(stream, server.await(Frames.HEADERS).stream());
        }
        server.writer.rstStream(1, Http2Error.REFUSED_STREAM);
        server.writer.rstStream(3, Http2Error.INTERNAL_ERROR);
        server.writer.ping(0x1122334455667788L);
        server.headers(5, false, ":status", "103", "link", "</style.css>; rel=preload");
        server.headers(5, false, ":status", "200", "content-type", "text/plain");
        server.data(5, "five", false);
        server.headers(5, true, "grpc-status", "0");
        Http2RequestException refused = failure(answers.get(0));
        assertTrue(refused.retryable());
        assertEquals(Http2Error.REFUSED_STREAM, refused.error());
        Http2RequestException failed = failure(answers.get(1));
        assertFalse(failed.retryable());
        assertEquals(Http2Error.INTERNAL_ERROR, failed.error());
        Http2Response five = answers.get(2).get(10, TimeUnit.SECONDS);
        assertEquals(200, five.status(), "the 103 skipped");
        assertEquals("text/plain", five.headers().get("content-type"));
        assertNull(five.headers().get("link"), "the interim answer's fields are not the answer's");
        assertEquals("five", five.bodyText());
        assertEquals("0", five.trailers().get("grpc-status"));
        ScriptedServer.Frame pong = server.await(Frames.PING);
        assertTrue(pong.has(Frames.ACK));
        assertEquals(0x1122334455667788L, java.nio.ByteBuffer.wrap(pong.payload()).getLong());
        assertTrue(c[0].isOpen(), "a reset fails one stream, not the connection");
    }

    /**
     * The server's stream window is 10 bytes: a body of 25 goes out as the server opens the window, never past it;
     * the server's WINDOW_UPDATEs let it through.
     */
    @Test
    void aBodyIsSentWithinTheServersWindows() throws Exception {
        Http2ClientConnection[] c = new Http2ClientConnection[1];
        ScriptedServer server = server(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 10), c);
        byte[] body = "abcdefghijklmnopqrstuvwxy".getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Http2Response> answer = c[0].send(Http2Request.post("/upload", body));
        Map<String, String> head = server.fields(server.await(Frames.HEADERS));
        assertEquals("25", head.get("content-length"));
        StringBuilder received = new StringBuilder();
        int granted = 10;
        boolean end = false;
        while (!end) {
            ScriptedServer.Frame data = server.await(Frames.DATA);
            received.append(new String(data.payload(), StandardCharsets.US_ASCII));
            assertTrue(received.length() <= granted, received.length() + " bytes sent, " + granted + " allowed");
            end = data.has(Frames.END_STREAM);
            if (!end && received.length() == granted) {
                server.writer.windowUpdate(1, 10);
                granted += 10;
            }
        }
        assertEquals("abcdefghijklmnopqrstuvwxy", received.toString());
        assertEquals(30, granted, "three windows of 10 for 25 bytes");
        server.headers(1, true, ":status", "204");
        assertEquals(204, answer.get(10, TimeUnit.SECONDS).status());
    }

    /**
     * DATA on a stream the client never opened is a connection error: the client sends GOAWAY PROTOCOL_ERROR (1),
     * closes, and both requests pending fail with the error as their cause.
     */
    @Test
    void aConnectionErrorFailsEveryPendingRequestWithTheCause() throws Exception {
        Http2ClientConnection[] c = new Http2ClientConnection[1];
        ScriptedServer server = server(Http2Settings.DEFAULTS, c);
        CompletableFuture<Http2Response> one = c[0].send(Http2Request.get("/one"));
        CompletableFuture<Http2Response> three = c[0].send(Http2Request.get("/three"));
        server.await(Frames.HEADERS);
        server.await(Frames.HEADERS);
        server.data(7, "not opened", true);
        ScriptedServer.Frame goAway = server.await(Frames.GOAWAY);
        assertEquals(1, goAway.int32(4), "GOAWAY PROTOCOL_ERROR");
        for (CompletableFuture<Http2Response> answer : List.of(one, three)) {
            Http2Exception cause = assertInstanceOf(Http2Exception.class, failure(answer).getCause());
            assertEquals(Http2Error.PROTOCOL_ERROR, cause.error());
        }
        assertTrue(server.closedByClient());
    }

    /** A PUSH_PROMISE, which the client's SETTINGS_ENABLE_PUSH 0 forbids, is a connection error. */
    @Test
    void pushIsRefused() throws Exception {
        Http2ClientConnection[] c = new Http2ClientConnection[1];
        ScriptedServer server = server(Http2Settings.DEFAULTS, c);
        CompletableFuture<Http2Response> one = c[0].send(Http2Request.get("/one"));
        server.await(Frames.HEADERS);
        server.writer.pushPromise(1, 2, java.nio.ByteBuffer.wrap(new byte[] {(byte) 0x82}));
        assertEquals(1, server.await(Frames.GOAWAY).int32(4), "GOAWAY PROTOCOL_ERROR");
        assertInstanceOf(Http2Exception.class, failure(one).getCause());
    }
}
