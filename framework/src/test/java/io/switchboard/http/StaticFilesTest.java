package io.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.Responses.Response;
import io.switchboard.pipeline.FileRegion;
import io.switchboard.pipeline.Handler;
import io.switchboard.pipeline.HandlerContext;
import io.switchboard.testing.EmbeddedConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rule of {@link StaticFiles}, over an embedded connection (the file regions go through its transport). */
@Tag("hardening")
class StaticFilesTest {
    @TempDir
    Path dir;

    private StaticFixture files;
    private StaticFiles handler;

    @BeforeEach
    void setUp() throws IOException {
        files = new StaticFixture(dir);
        handler = StaticFiles.of(files.root, "/static");
    }

    private EmbeddedConnection connection() {
        return new EmbeddedConnection(p -> new HttpService(handler).accept(p));
    }

    private Response get(String target, String... fields) {
        return request("GET", target, fields);
    }

    private Response request(String method, String target, String... fields) {
        EmbeddedConnection c = connection();
        c.feed(raw(method, target, fields));
        List<Response> answers = Responses.parse(c.takeWritten(), method.equals("HEAD"));
        assertEquals(1, answers.size(), "one answer to " + method + " " + target);
        return answers.get(0);
    }

    private static String raw(String method, String target, String... fields) {
        StringBuilder s = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: test\r\n");
        for (int i = 0; i < fields.length; i += 2) {
            s.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    private long modifiedSeconds(String name) throws IOException {
        return Files.getLastModifiedTime(files.root.resolve(name)).toMillis() / 1000;
    }

    @Test
    void aFileIsServedWithItsTypeLengthAndValidators() throws IOException {
        Response r = get("/static/hello.txt");
        assertEquals(200, r.status());
        assertEquals(StaticFixture.HELLO, r.text());
        assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
        assertEquals(Integer.toString(StaticFixture.HELLO.length()), r.header("Content-Length"));
        assertEquals(HttpDates.format(modifiedSeconds("hello.txt")), r.header("Last-Modified"));
        assertTrue(r.header("ETag").matches("\"[0-9a-f]+-15\""), "strong, time and length in hex: " + r.header("ETag"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertNull(r.header("Vary"), "no precompressed sibling: the answer does not vary");
        assertEquals("text/html; charset=utf-8", get("/static/docs/index.html").header("Content-Type"));
        assertEquals("application/octet-stream", get("/static/big.bin").header("Content-Type"), "unknown extension");
        StaticFiles custom = StaticFiles.builder(files.root, "/static").contentType("BIN", "application/x-test").build();
        handler = custom;
        assertEquals("application/x-test", get("/static/big.bin").header("Content-Type"), "overridden, any case");
    }

    @Test
    void headHasTheLengthOfTheGetAnswerAndNoBody() {
        EmbeddedConnection c = connection();
        c.feed(raw("HEAD", "/static/big.bin"));
        byte[] raw = c.takeWritten();
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("Content-Length: " + StaticFixture.BIG + "\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\n"), "nothing after the head: " + raw.length + " bytes");
        assertEquals(StaticFixture.BIG, Integer.parseInt(
                Responses.parse(raw, true).get(0).header("Content-Length")));
    }

    @Test
    void aFileLargerThanTheWatermarkArrivesWholeAtTheClientsPace() {
        EmbeddedConnection c = connection();
        c.peerWindow(16 * 1024);
        c.feed(raw("GET", "/static/big.bin") + raw("GET", "/static/hello.txt"));
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < 100 && c.isOpen(); i++) {
            byte[] piece = c.takeWritten();
            if (piece.length == 0) {
                break;
            }
            pieces.add(piece);
        }
        int total = pieces.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        assertTrue(pieces.size() > 10, "the peer took at most 16 KiB at a time: " + pieces.size() + " pieces");
        List<Response> answers = Responses.parse(all);
        assertEquals(2, answers.size(), "both pipelined answers, in order");
        assertArrayEquals(files.big, answers.get(0).body(), "all 300 KiB, in order");
        assertEquals(StaticFixture.HELLO, answers.get(1).text());
    }

    @Test
    void revalidationAnswers304WithTheValidatorsAndNoBody() throws IOException {
        Response first = get("/static/hello.txt");
        String etag = first.header("ETag");
        Response byTag = get("/static/hello.txt", "If-None-Match", etag);
        assertEquals(304, byTag.status());
        assertEquals(etag, byTag.header("ETag"));
        assertEquals(first.header("Last-Modified"), byTag.header("Last-Modified"));
        assertEquals(0, byTag.body().length);
        assertNull(byTag.header("Content-Length"), "a 304 has no body and no length");
        assertEquals(304, get("/static/hello.txt", "If-Modified-Since", first.header("Last-Modified")).status());
        assertEquals(200, get("/static/hello.txt", "If-Modified-Since",
                HttpDates.format(modifiedSeconds("hello.txt") - 10)).status(), "changed since then");
        assertEquals(200, get("/static/hello.txt", "If-None-Match", "\"stale\"").status());
        assertEquals(412, get("/static/hello.txt", "If-Match", "\"stale\"").status());
        assertEquals(200, get("/static/hello.txt", "If-Match", etag).status());
        handler = StaticFiles.builder(files.root, "/static").cacheControl("max-age=60").build();
        Response cached = get("/static/hello.txt", "If-None-Match", etag);
        assertEquals("max-age=60", cached.header("Cache-Control"), "304 carries Cache-Control as the 200 would");
    }

    @Test
    void oneRangeGets206WithContentRange() {
        Response r = get("/static/big.bin", "Range", "bytes=1000-1999");
        assertEquals(206, r.status());
        assertEquals("bytes 1000-1999/" + StaticFixture.BIG, r.header("Content-Range"));
        assertEquals("1000", r.header("Content-Length"));
        assertArrayEquals(Arrays.copyOfRange(files.big, 1000, 2000), r.body());
        Response suffix = get("/static/big.bin", "Range", "bytes=-10");
        assertArrayEquals(Arrays.copyOfRange(files.big, StaticFixture.BIG - 10, StaticFixture.BIG), suffix.body());
        assertEquals("bytes " + (StaticFixture.BIG - 10) + "-" + (StaticFixture.BIG - 1) + "/" + StaticFixture.BIG,
                suffix.header("Content-Range"));
    }

    @Test
    void severalRangesGetAMultipartBodyInTheOrderAsked() {
        Response r = get("/static/big.bin", "Range", "bytes=5000-5099, 0-9, -5");
        assertEquals(206, r.status());
        Matcher m = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(r.header("Content-Type"));
        assertTrue(m.matches(), r.header("Content-Type"));
        List<byte[]> parts = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        for (String part : multipart(r.body(), m.group(1))) {
            int end = part.indexOf("\r\n\r\n");
            String head = part.substring(0, end);
            assertTrue(head.contains("Content-Type: application/octet-stream"), head);
            ranges.add(head.replaceAll("(?s).*Content-Range: (\\S+ \\S+).*", "$1"));
            parts.add(part.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
        }
        int n = StaticFixture.BIG;
        assertEquals(List.of("bytes 5000-5099/" + n, "bytes 0-9/" + n, "bytes " + (n - 5) + "-" + (n - 1) + "/" + n), ranges);
        assertArrayEquals(Arrays.copyOfRange(files.big, 5000, 5100), parts.get(0));
        assertArrayEquals(Arrays.copyOfRange(files.big, 0, 10), parts.get(1));
        assertArrayEquals(Arrays.copyOfRange(files.big, n - 5, n), parts.get(2));
        assertEquals(Integer.toString(r.body().length), r.header("Content-Length"), "the length counts the parts' heads");
    }

    /** The parts of a multipart body, each its head and bytes. */
    static List<String> multipart(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("--" + boundary + "\r\n"), "starts with the first boundary");
        assertTrue(text.endsWith("\r\n--" + boundary + "--\r\n"), "ends with the closing boundary");
        String inner = text.substring(("--" + boundary + "\r\n").length(), text.length() - ("\r\n--" + boundary + "--\r\n").length());
        return List.of(inner.split(Pattern.quote("\r\n--" + boundary + "\r\n")));
    }

    @Test
    void unsatisfiableRangesGet416AndIfRangeMismatchesGetTheWholeFile() {
        Response r = get("/static/big.bin", "Range", "bytes=999999-");
        assertEquals(416, r.status());
        assertEquals("bytes */" + StaticFixture.BIG, r.header("Content-Range"));
        Response stale = get("/static/big.bin", "Range", "bytes=0-9", "If-Range", "\"old\"");
        assertEquals(200, stale.status(), "If-Range names another version: the whole file");
        assertEquals(StaticFixture.BIG, stale.body().length);
        String etag = get("/static/big.bin").header("ETag");
        assertEquals(206, get("/static/big.bin", "Range", "bytes=0-9", "If-Range", etag).status());
        assertEquals(200, get("/static/big.bin", "Range", "items=0-9").status(), "another unit is ignored");
        Response head = request("HEAD", "/static/big.bin", "Range", "bytes=0-9");
        assertEquals(200, head.status(), "Range is for GET only");
    }

    @Test
    void directoriesAreRedirectedToTheirSlashAndServeTheirIndex() {
        Response redirect = get("/static/docs?x=1");
        assertEquals(301, redirect.status());
        assertEquals("/static/docs/?x=1", redirect.header("Location"), "the slash added, the query kept");
        assertEquals(301, get("/static").status());
        assertEquals("/static/", get("/static").header("Location"));
        Response index = get("/static/docs/");
        assertEquals(200, index.status());
        assertEquals("<h1>docs</h1>\n", index.text());
        assertEquals(404, get("/static/empty/").status(), "no index, no listing");
        assertEquals(404, get("/static/").status(), "the root has no index.html");
        assertEquals(404, get("/static/hello.txt/").status(), "a file asked for as a directory");
        handler = StaticFiles.builder(files.root, "/static").indexFile("hello.txt").build();
        assertEquals(StaticFixture.HELLO, get("/static/").text(), "another index file name");
    }

    @Test
    void aGzipSiblingGoesToClientsThatAcceptGzip() {
        Response gz = get("/static/app.js", "Accept-Encoding", "gzip, deflate");
        assertEquals(200, gz.status());
        assertEquals("gzip", gz.header("Content-Encoding"));
        assertEquals("text/javascript; charset=utf-8", gz.header("Content-Type"), "the original's type");
        assertEquals("Accept-Encoding", gz.header("Vary"));
        assertArrayEquals(files.scriptGz, gz.body());
        Response plain = get("/static/app.js");
        assertNull(plain.header("Content-Encoding"));
        assertEquals("Accept-Encoding", plain.header("Vary"), "the identity answer varies too");
        assertArrayEquals(files.script, plain.body());
        assertNotEquals(gz.header("ETag"), plain.header("ETag"), "two representations, two strong tags");
        assertArrayEquals(files.script, get("/static/app.js", "Accept-Encoding", "gzip;q=0, br").body());
        assertEquals(304, get("/static/app.js", "Accept-Encoding", "gzip", "If-None-Match", gz.header("ETag")).status());
        assertEquals(200, get("/static/app.js", "If-None-Match", gz.header("ETag")).status(),
                "the gzip tag does not validate the identity representation");
        Response style = get("/static/style.css", "Accept-Encoding", "gzip");
        assertNull(style.header("Content-Encoding"), "a .gz that links outside the root is not a sibling");
        assertFalse(style.text().contains(StaticFixture.SECRET));
        handler = StaticFiles.builder(files.root, "/static").precompressed(false).build();
        assertArrayEquals(files.script, get("/static/app.js", "Accept-Encoding", "gzip").body(), "turned off");
    }

    @Test
    void noRequestReachesAnythingOutsideTheRoot() {
        String[] attempts = {
            "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E/secret.txt", "/static/.%2e/secret.txt",
            "/static/docs/../../secret.txt", "/static/..%2fsecret.txt", "/static/%2f..%2fsecret.txt",
            "/static/..%5csecret.txt", "/static/..\\secret.txt", "/static/hello.txt%00.png", "/static//secret.txt",
            "/static/%c0%ae%c0%ae/secret.txt", "/static/link-out", "/static/docs-out/secret.txt", "/static/.env",
            "/static/./hello.txt", "/secret.txt", "/static/%", "/staticsecret.txt"
        };
        for (String target : attempts) {
            Response r = get(target);
            assertTrue(r.status() == 400 || r.status() == 404, target + " answered " + r.status());
            assertFalse(r.text().contains(StaticFixture.SECRET), target + " leaked the secret");
        }
        assertEquals(400, get("/static/%2e%2e/secret.txt").status(), "an encoded dot segment is malformed: 400");
        assertEquals(404, get("/static/link-out").status(), "a link out of the root is not found: 404");
        assertEquals(StaticFixture.HELLO, get("/static/link-in").text(), "a link that stays inside is followed");
        handler = StaticFiles.builder(files.root, "/static").hiddenFiles(true).build();
        assertEquals(StaticFixture.SECRET, get("/static/.env").text(), "hidden files when allowed");
    }

    @Test
    void onlyGetAndHeadAreAnswered() {
        Response r = request("DELETE", "/static/hello.txt");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("Allow"));
        assertTrue(Files.exists(files.root.resolve("hello.txt")));
    }

    @Test
    void itsRefusalsTakeTheServicesErrorAnswersWithTheirFields() {
        EmbeddedConnection c = new EmbeddedConnection(
                p -> new HttpService(HttpConfig.DEFAULTS, handler, ErrorAnswers.JSON).accept(p));
        c.feed(raw("GET", "/static/big.bin", "Range", "bytes=999999-") + raw("DELETE", "/static/hello.txt")
                + raw("GET", "/static/hello.txt", "If-Match", "\"stale\"") + raw("GET", "/static/none.txt"));
        List<Response> answers = Responses.parse(c.takeWritten(), false);
        assertEquals(List.of(416, 405, 412, 404), answers.stream().map(Response::status).toList());
        for (Response r : answers) {
            assertEquals("application/json", r.header("Content-Type"), "the API's shape for " + r.status());
            assertTrue(r.text().contains("\"status\":" + r.status()), r.text());
        }
        assertEquals("bytes */" + StaticFixture.BIG, answers.get(0).header("Content-Range"));
        assertEquals("GET, HEAD", answers.get(1).header("Allow"));
    }

    @Test
    void aFileLeavesAsItIsOnAServerThatCompresses() throws IOException {
        String text = "a line of text that compresses well\n".repeat(1000);
        Files.writeString(files.root.resolve("long.txt"), text);
        HttpConfig compressing = HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS);
        EmbeddedConnection c = new EmbeddedConnection(p -> new HttpService(compressing, handler).accept(p));
        c.feed(raw("GET", "/static/long.txt", "Accept-Encoding", "gzip"));
        Response r = Responses.parse(c.takeWritten(), false).get(0);
        assertEquals(200, r.status());
        assertNull(r.header("Content-Encoding"), "a file answer is never compressed on the fly");
        assertEquals(text, r.text());
    }

    @Test
    void aFileChangedBeforeItsTurnAnswers503() throws IOException {
        EmbeddedConnection c = connection();
        c.peerWindow(1024); // the big answer waits for the client, the next one waits behind it
        c.feed(raw("GET", "/static/big.bin") + raw("GET", "/static/hello.txt"));
        Files.writeString(files.root.resolve("hello.txt"), "changed, and longer than before\n");
        c.peerWindow(Long.MAX_VALUE);
        List<Response> answers = Responses.parse(c.takeWritten());
        assertEquals(2, answers.size());
        assertArrayEquals(files.big, answers.get(0).body());
        assertEquals(503, answers.get(1).status(), "decided for 21 bytes, found 32 when its turn came");
        assertTrue(c.isOpen(), "an answer like any other: the connection goes on");
    }

    @Test
    void pipelinedFileAnswersHoldAtMostTwoFilesOpen() throws IOException {
        EmbeddedConnection c = connection();
        c.peerWindow(32 * 1024);
        c.feed(raw("GET", "/static/big.bin").repeat(8));
        long most = 0;
        long received = 0;
        for (int i = 0; i < 1000 && received < 8L * StaticFixture.BIG; i++) {
            most = Math.max(most, StaticFixture.openDescriptors(files.root.resolve("big.bin")));
            received += c.discardWritten();
        }
        assertTrue(received >= 8L * StaticFixture.BIG, "all eight answers arrived: " + received);
        assertTrue(most <= 2, "eight answers waiting held at most 2 descriptors of the file, not 8: " + most);
        assertEquals(0, StaticFixture.openDescriptors(files.root.resolve("big.bin")), "all closed once sent");
    }

    @Test
    void aResetInTheMiddleOfAFileClosesIt() throws IOException {
        EmbeddedConnection c = connection();
        c.peerWindow(8 * 1024);
        c.feed(raw("GET", "/static/big.bin"));
        assertEquals(1, StaticFixture.openDescriptors(files.root.resolve("big.bin")), "open while it is sent");
        c.connection().abort();
        assertEquals(0, StaticFixture.openDescriptors(files.root.resolve("big.bin")), "closed with the connection");
    }

    /** Stands for a stage that must see the bytes (TLS): takes buffers, throws on anything else. */
    private static final class ByteStage implements Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void write(HandlerContext ctx, Object message) {
            seen.add(message.getClass().getSimpleName());
            if (!(message instanceof ByteBuffer)) {
                throw new IllegalArgumentException("cannot transform " + message.getClass().getName());
            }
            ctx.write(message);
        }
    }

    /** Passes everything on, and says so: records what went through. */
    private static final class Recorder implements Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void write(HandlerContext ctx, Object message) {
            seen.add(message.getClass().getSimpleName());
            ctx.write(message);
        }

        @Override
        public boolean passesFileRegions() {
            return true;
        }
    }

    @Test
    void filesGoAsRegionsOnPlainConnectionsAndAsReadChunksWhereAStageMustSeeTheBytes() throws IOException {
        Recorder recorder = new Recorder();
        EmbeddedConnection plain = new EmbeddedConnection(p -> {
            p.add(recorder);
            new HttpService(handler).accept(p);
        });
        plain.feed(raw("GET", "/static/big.bin"));
        assertArrayEquals(files.big, Responses.parse(plain.takeWritten()).get(0).body());
        assertTrue(recorder.seen.contains(FileRegion.class.getSimpleName()), "zero copy: " + recorder.seen);

        ByteStage stage = new ByteStage();
        EmbeddedConnection transformed = new EmbeddedConnection(p -> {
            p.add(stage);
            new HttpService(handler).accept(p);
        });
        transformed.peerWindow(20 * 1024);
        transformed.feed(raw("GET", "/static/big.bin") + raw("GET", "/static/big.bin", "Range", "bytes=0-9,100000-100009"));
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            byte[] piece = transformed.takeWritten();
            if (piece.length == 0) {
                break;
            }
            all.write(piece);
        }
        List<Response> answers = Responses.parse(all.toByteArray());
        assertArrayEquals(files.big, answers.get(0).body(), "read in chunks, all of it, in order");
        assertEquals(206, answers.get(1).status());
        assertFalse(stage.seen.contains(FileRegion.class.getSimpleName()),
                "the stage saw only bytes: " + stage.seen.stream().distinct().toList());
        assertTrue(stage.seen.size() > StaticFixture.BIG / (16 * 1024), "in chunks of at most 16 KiB: " + stage.seen.size());
        assertTrue(transformed.isOpen());
        assertEquals(0, StaticFixture.openDescriptors(files.root.resolve("big.bin")), "closed after the last chunk");
    }

    @Test
    void aClientThatStopsReadingDoesNotHoldTheFileForever() throws IOException {
        Path big = files.root.resolve("big.bin");
        // read in chunks (a stage must see the bytes): the answer waits for the client, sendTimeout (60 s) bounds it
        EmbeddedConnection chunked = new EmbeddedConnection(p -> {
            p.add(new ByteStage());
            new HttpService(handler).accept(p);
        });
        chunked.peerWindow(0);
        chunked.feed(raw("GET", "/static/big.bin"));
        chunked.advance(Duration.ofSeconds(59));
        assertTrue(chunked.isOpen(), "59 s without the client taking a byte: still waiting");
        chunked.peerWindow(8 * 1024); // the client takes 8 KiB, then stops again
        chunked.advance(Duration.ofSeconds(59));
        assertTrue(chunked.isOpen(), "the timeout counts from the last bytes the client took");
        chunked.advance(Duration.ofSeconds(2));
        assertTrue(chunked.isAborted(), "60 s with nothing taken: reset");
        assertEquals(0, StaticFixture.openDescriptors(big));

        // zero copy: the whole file is queued at once, the keep-alive timeout (75 s) closes, and the close timeout
        // (5 s) resets a client that takes nothing
        EmbeddedConnection plain = connection();
        plain.peerWindow(0);
        plain.feed(raw("GET", "/static/big.bin"));
        assertEquals(1, StaticFixture.openDescriptors(big));
        plain.advance(Duration.ofSeconds(76));
        assertFalse(plain.isOpen(), "closing after the keep-alive timeout");
        plain.advance(Duration.ofSeconds(6));
        assertTrue(plain.isAborted(), "the client took none of the queued bytes for the close timeout: reset");
        assertEquals(0, StaticFixture.openDescriptors(big), "and the file closed with it");
    }

    @Test
    void aFileCutShortWhileReadInChunksResetsTheConnection() throws IOException {
        ByteStage stage = new ByteStage();
        EmbeddedConnection c = new EmbeddedConnection(p -> {
            p.add(stage);
            new HttpService(handler).accept(p);
        });
        c.peerWindow(16 * 1024);
        c.feed(raw("GET", "/static/big.bin"));
        try (var f = java.nio.channels.FileChannel.open(files.root.resolve("big.bin"), java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(100 * 1024);
        }
        for (int i = 0; i < 100 && c.isOpen(); i++) {
            c.takeWritten();
        }
        assertTrue(c.isAborted(), "the body cannot be finished: reset, never a clean close that looks complete");
        assertEquals(0, StaticFixture.openDescriptors(files.root.resolve("big.bin")));
    }
}
