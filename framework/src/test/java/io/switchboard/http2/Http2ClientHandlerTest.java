package io.switchboard.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http2.hpack.HeaderBlock;
import io.switchboard.http2.hpack.HpackEncoder;
import io.switchboard.server.Client;
import io.switchboard.testing.EmbeddedConnection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's connection driven without sockets ({@link EmbeddedConnection}): what it writes first, an answer read
 * the same at every split of its bytes, and each malformed answer refused with RST_STREAM {@code PROTOCOL_ERROR} on
 * its stream while the connection goes on.
 */
class Http2ClientHandlerTest {
    private static Client client;
    private static Http2Client h2;

    @BeforeAll
    static void start() {
        client = Client.builder().build(); // gives the Http2Client its limits; nothing connects through it
        h2 = Http2Client.builder(client).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        client.close();
    }

    /** A client connection on an embedded transport, its preface read and the server's SETTINGS fed. */
    private static final class Peer {
        final CompletableFuture<Http2ClientConnection> opened = new CompletableFuture<>();
        final EmbeddedConnection wire = new EmbeddedConnection(
                p -> p.add(new Http2ClientHandler(h2, false, "example.com:80", opened)));
        final Recorder seen = new Recorder();
        final Http2FrameReader reader = new Http2FrameReader(true, Http2Config.DEFAULTS, seen);
        final HpackEncoder encoder = new HpackEncoder();

        Peer() {
            wire.feed(Wire.EMPTY_SETTINGS);
        }

        Http2ClientConnection connection() {
            assertTrue(opened.isDone(), "open once the server's SETTINGS came");
            return opened.join();
        }

        /** {@return the frames the client wrote since the last call, as the recorder's lines} */
        List<String> written() {
            wire.runPending(); // the end of the loop's turn, which flushes what a send wrote
            int from = seen.events.size();
            reader.read(ByteBuffer.wrap(wire.takeWritten()));
            return List.copyOf(seen.events.subList(from, seen.events.size()));
        }

        byte[] headers(int stream, boolean endStream, String... nameValues) {
            HeaderBlock block = new HeaderBlock();
            encoder.startBlock(block);
            for (int i = 0; i < nameValues.length; i += 2) {
                encoder.field(block, nameValues[i], nameValues[i + 1]);
            }
            return Wire.frame(Wire.HEADERS, Wire.END_HEADERS | (endStream ? Wire.END_STREAM : 0), stream,
                    block.toByteArray());
        }
    }

    @Test
    void itSendsThePrefaceItsSettingsAndOpensTheConnectionWindow() {
        Peer peer = new Peer();
        List<String> first = peer.written();
        assertEquals("SETTINGS " + Http2Settings.DEFAULTS.with(Http2Settings.ENABLE_PUSH, 0)
                .with(Http2Settings.INITIAL_WINDOW_SIZE, 256 * 1024)
                .with(Http2Settings.MAX_HEADER_LIST_SIZE, 16 * 1024), first.get(0), "after the preface");
        assertTrue(first.contains("WINDOW_UPDATE 0 +" + (1024 * 1024 - 65_535)), first.toString());
        assertTrue(first.contains("SETTINGS_ACK"), "the server's SETTINGS acknowledged: " + first);
        peer.connection();
    }

    /** HEADERS, an interim 100, the final head, two DATA and trailers: the same answer at every split. */
    @Test
    void anAnswerReadsTheSameAtEverySplit() throws Exception {
        Peer template = new Peer();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.writeBytes(template.headers(1, false, ":status", "100"));
        answer.writeBytes(template.headers(1, false, ":status", "200", "content-length", "11", "x-kind", "test"));
        answer.writeBytes(Wire.frame(Wire.DATA, 0, 1, ascii("hello ")));
        answer.writeBytes(Wire.frame(Wire.DATA, 0, 1, ascii("world")));
        answer.writeBytes(template.headers(1, true, "x-sum", "42"));
        byte[] bytes = answer.toByteArray();
        for (int at = 0; at <= bytes.length; at++) {
            check(bytes, at == 0 ? new int[0] : new int[] {at}, "split at " + at);
        }
        int[] every = new int[bytes.length - 1];
        Arrays.setAll(every, i -> i + 1);
        check(bytes, every, "one byte at a time");
    }

    private static void check(byte[] bytes, int[] cuts, String how) throws Exception {
        Peer peer = new Peer();
        CompletableFuture<Http2Response> answer = peer.connection().send(Http2Request.get("/a"));
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            peer.wire.feed(Arrays.copyOfRange(bytes, from, to));
            from = to;
        }
        assertTrue(answer.isDone(), how);
        Http2Response r = answer.get();
        assertEquals(200, r.status(), how);
        assertEquals("hello world", r.bodyText(), how);
        assertEquals("test", r.headers().get("x-kind"), how);
        assertEquals("42", r.trailers().get("x-sum"), how);
    }

    /** Each malformed answer resets its stream with PROTOCOL_ERROR (1) and fails its request only. */
    @Test
    void malformedAnswersResetTheirStream() throws Exception {
        Peer template = new Peer();
        List<List<byte[]>> answers = List.of(
                List.of(template.headers(1, true, "content-type", "text/plain")), // no :status
                List.of(template.headers(1, true, ":status", "200", ":path", "/")), // a request's pseudo-field
                List.of(template.headers(1, true, ":status", "20")), // not three digits
                List.of(Wire.frame(Wire.HEADERS, Wire.END_HEADERS | Wire.END_STREAM, 1, (byte) 0x88, (byte) 0x00,
                        (byte) 7, (byte) 'X', (byte) '-', (byte) 'U', (byte) 'p', (byte) 'p', (byte) 'e', (byte) 'r',
                        (byte) 1, (byte) '1')), // :status 200, then an uppercase name (the encoder lowercases)
                List.of(template.headers(1, true, ":status", "200", "connection", "close")), // connection-specific
                List.of(template.headers(1, true, ":status", "101")), // no switching protocols over HTTP/2
                List.of(Wire.frame(Wire.DATA, Wire.END_STREAM, 1, ascii("early"))), // DATA before the head
                List.of(template.headers(1, false, ":status", "200", "content-length", "3"),
                        Wire.frame(Wire.DATA, Wire.END_STREAM, 1, ascii("four"))), // not the declared length
                List.of(template.headers(1, false, ":status", "200"),
                        template.headers(1, false, "x-trailer", "1"))); // trailers without END_STREAM
        for (int i = 0; i < answers.size(); i++) {
            Peer peer = new Peer();
            peer.written();
            CompletableFuture<Http2Response> answer = peer.connection().send(Http2Request.get("/a"));
            for (byte[] frame : answers.get(i)) {
                peer.wire.feed(frame);
            }
            List<String> written = peer.written();
            assertTrue(written.contains("RST_STREAM 1 code=1"), "answer " + i + ": " + written);
            ExecutionException e = assertThrows(ExecutionException.class,
                    answer::get, "answer " + i);
            Http2RequestException failure = assertInstanceOf(Http2RequestException.class, e.getCause());
            assertEquals(Http2Error.PROTOCOL_ERROR, failure.error(), "answer " + i + ": " + failure.getMessage());
            assertFalse(failure.retryable());
            assertTrue(peer.wire.isOpen(), "answer " + i + ": a stream error leaves the connection open");
        }
    }

    /** An answer's DATA is given back to both windows as it arrives, so a server with an open window goes on. */
    @Test
    void dataIsGivenBackToTheWindows() throws Exception {
        Peer peer = new Peer();
        peer.written();
        CompletableFuture<Http2Response> answer = peer.connection().send(Http2Request.get("/big"));
        peer.written();
        peer.wire.feed(peer.headers(1, false, ":status", "200"));
        byte[] chunk = new byte[16 * 1024];
        int sent = 0;
        int streamUpdates = 0;
        for (int i = 0; i < 40; i++) { // 640 KiB through a 256 KiB stream window
            peer.wire.feed(Wire.frame(Wire.DATA, i == 39 ? Wire.END_STREAM : 0, 1, chunk));
            sent += chunk.length;
            for (String frame : peer.written()) {
                if (frame.startsWith("WINDOW_UPDATE 1 ")) {
                    streamUpdates++;
                }
            }
        }
        assertEquals(640 * 1024, answer.get().bodyLength());
        assertEquals(4, streamUpdates, "a stream WINDOW_UPDATE for each 128 KiB read but the last (" + sent + " bytes)");
    }

    @Test
    void aRequestBodyWaitsForTheWindowAndTheBodyIsIntact() throws Exception {
        Peer peer = new Peer();
        peer.written();
        byte[] body = new byte[100_000]; // over the initial 65,535 of the connection and the stream
        Arrays.fill(body, (byte) 'b');
        CompletableFuture<Http2Response> answer = peer.connection().send(Http2Request.post("/up", body));
        assertEquals(65_535, dataBytes(peer.written()), "the initial windows, and no more");
        peer.wire.feed(Wire.frame(Wire.WINDOW_UPDATE, 0, 0, Wire.int32(100_000)));
        assertEquals(0, dataBytes(peer.written()), "the stream window is still shut");
        peer.wire.feed(Wire.frame(Wire.WINDOW_UPDATE, 0, 1, Wire.int32(100_000)));
        List<String> rest = peer.written();
        assertEquals(100_000 - 65_535, dataBytes(rest), "the rest");
        assertTrue(rest.get(rest.size() - 1).startsWith("DATA 1 pad=0 end=true"), "END_STREAM on the last: " + rest);
        peer.wire.feed(peer.headers(1, true, ":status", "204"));
        assertEquals(204, answer.get().status());
    }

    private static int dataBytes(List<String> frames) {
        int n = 0;
        for (String f : frames) {
            if (f.startsWith("DATA 1 ")) {
                n += f.length() - f.indexOf('\'') - 2;
            }
        }
        return n;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
