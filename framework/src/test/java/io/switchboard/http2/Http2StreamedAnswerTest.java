package io.switchboard.http2;

import static io.switchboard.http2.H2TestClient.body;
import static io.switchboard.http2.H2TestClient.of;
import static io.switchboard.http2.H2TestClient.only;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.http.HttpConfig;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpService;
import io.switchboard.http.ResponseStream;
import io.switchboard.http.Routes;
import io.switchboard.http2.H2TestClient.Frame;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed and file answers over HTTP/2: the stream's window is the writer's backpressure. */
class Http2StreamedAnswerTest {
    private static final int CHUNK = 10_000;
    private static final int CHUNKS = 30;

    @TempDir
    Path dir;

    @Test
    void aWriterOnAnotherThreadWaitsForTheStreamWindow() throws Exception {
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Thread> producer = new AtomicReference<>();
        HttpService s = new HttpService(HttpConfig.DEFAULTS, Routes.builder().get("/s", (req, res) -> {
            Thread t = new Thread(() -> {
                ResponseStream body = res.stream(HttpResponse.of(200));
                for (int i = 0; i < CHUNKS && body.isOpen(); i++) {
                    body.write(new byte[CHUNK]);
                    written.addAndGet(CHUNK);
                }
                body.end();
            });
            producer.set(t);
            t.start();
        }).build());
        H2TestClient c = new H2TestClient(s);
        c.start();
        // The client's windows are 65,535 bytes; the stream holds at most the connection's high watermark (64 KiB)
        // of bytes waiting besides: the producer stops near 65,535 + 65,536 + a chunk of the 300,000 bytes. The
        // read right after the request may already carry DATA (the producer thread runs at once): it counts.
        AtomicLong total = new AtomicLong(body(c.request(1, "GET", "/s", true).read(), 1).length());
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
            total.addAndGet(body(c.read(), 1).length());
            return total.get() == 65_535 && producer.get().getState() == Thread.State.TIMED_WAITING;
        });
        total.addAndGet(body(c.read(), 1).length());
        assertEquals(65_535, total.get(), "no more than the window is sent");
        assertTrue(written.get() <= 65_535 + 65_536 + CHUNK, "the writer waits: " + written.get() + " written");
        c.writer.windowUpdate(0, CHUNK * CHUNKS);
        c.writer.windowUpdate(1, CHUNK * CHUNKS);
        AtomicBoolean ended = new AtomicBoolean();
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
            List<Frame> got = c.read();
            total.addAndGet(body(got, 1).length());
            if (of(got, "DATA").stream().anyMatch(Frame::end)) {
                ended.set(true);
            }
            return ended.get();
        });
        producer.get().join(30_000);
        assertEquals(CHUNK * CHUNKS, total.get(), "the whole body arrives as the client opens its windows");
    }

    @Test
    void writingPastTheAnnouncedLengthThrowsAndResetsTheStream() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        HttpService s = new HttpService(HttpConfig.DEFAULTS, Routes.builder().get("/s", (req, res) -> {
            ResponseStream body = res.stream(HttpResponse.of(200), 3);
            body.write("abc");
            thrown.set(assertThrows(IllegalStateException.class, () -> body.write("d")));
        }).build());
        H2TestClient c = new H2TestClient(s);
        c.start();
        List<Frame> got = c.request(1, "GET", "/s", true).read();
        assertEquals("3", only(got, "HEADERS").fields().get("content-length"));
        assertEquals(Http2Error.INTERNAL_ERROR, only(got, "RST_STREAM").error(), got.toString());
        assertTrue(c.conn.isOpen(), "only the stream is cut");
    }

    @Test
    void aFileIsSentInTheStreamsWindow() throws Exception {
        byte[] content = new byte[150_000];
        new Random(3).nextBytes(content);
        Path file = dir.resolve("f.bin");
        Files.write(file, content);
        HttpService s = new HttpService(HttpConfig.DEFAULTS, Routes.builder().get("/f", (req, res) ->
                res.sendFile(HttpResponse.of(200), FileChannel.open(file), 1000, 100_000)).build());
        H2TestClient c = new H2TestClient(s);
        c.start(Http2Settings.DEFAULTS.with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        c.writer.windowUpdate(0, 1 << 20);
        c.read();
        List<Frame> got = c.request(1, "GET", "/f", true).read();
        for (int i = 0; i < 20 && of(got, "DATA").stream().noneMatch(Frame::end); i++) {
            got.addAll(c.read());
        }
        assertEquals("100000", only(got, "HEADERS").fields().get("content-length"));
        byte[] received = body(got, 1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] expected = java.util.Arrays.copyOfRange(content, 1000, 101_000);
        assertArrayEquals(expected, received);
    }
}
