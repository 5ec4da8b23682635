package io.switchboard.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.loop.EventLoop;
import io.switchboard.loop.Offload;
import io.switchboard.loop.SelectorLoop;
import io.switchboard.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compression over real sockets with real clients: {@code curl --compressed} gets back what the handler answered
 * (whole, large and streamed), {@code curl --data-binary @file.gz -H 'Content-Encoding: gzip'} uploads a body the
 * handler reads decoded, and a gzip bomb of 10 GiB of zeros, made as it is sent, stops at the route's limit.
 */
class CompressionLoopbackTest {
    private static final int MIB = 1024 * 1024;
    private static final byte[] JSON = Gzip.json(64 * 1024);
    private static final byte[] BIG = Gzip.json(4 * MIB);
    /** The bomb route's limit: 8 MiB of decoded bytes. */
    private static final int BOMB_LIMIT = 8 * MIB;

    @TempDir
    Path dir;

    private Offload offload;
    private Server server;
    private final AtomicInteger bombHandled = new AtomicInteger();

    @BeforeEach
    void start() {
        offload = Offload.create("compression-test");
        Routes routes = Routes.builder()
                .get("/json", (req, res) -> res.send(json(JSON)))
                .get("/big", (req, res) -> res.send(json(BIG)))
                .get("/stream", HttpHandler.offload(offload, (req, res) -> {
                    ResponseStream body = res.stream(json(null));
                    for (int at = 0; at < BIG.length && body.isOpen(); at += 8192) {
                        body.write(Arrays.copyOfRange(BIG, at, Math.min(BIG.length, at + 8192)));
                    }
                    body.end();
                }))
                .post("/upload", HttpHandler.withBody(BodyPolicy.stream(1L << 30).decoded(),
                        HttpHandler.offload(offload, (req, res) -> {
                            MessageDigest sha = MessageDigest.getInstance("SHA-256");
                            long bytes = 0;
                            byte[] buf = new byte[64 * 1024];
                            try (InputStream in = req.bodyStream()) {
                                int n;
                                while ((n = in.read(buf)) > 0) {
                                    sha.update(buf, 0, n);
                                    bytes += n;
                                }
                            }
                            res.send(HttpResponse.of(200).header("Content-Type", "application/json").body(
                                    "{\"bytes\":" + bytes + ",\"sha256\":\"" + HexFormat.of().formatHex(sha.digest()) + "\"}"));
                        })))
                .post("/bomb", HttpHandler.withBody(BodyPolicy.whole(BOMB_LIMIT).decoded(), (req, res) -> {
                    bombHandled.incrementAndGet();
                    res.send(HttpResponse.text(req.body().length + " bytes"));
                }))
                .build();
        server = Server.builder().host("127.0.0.1").port(0).workers(1)
                .pipeline(new HttpService(HttpConfig.DEFAULTS.withCompression(CompressionOptions.DEFAULTS), routes)).start();
    }

    @AfterEach
    void stop() {
        server.close();
        offload.close();
    }

    private static HttpResponse json(byte[] body) {
        return HttpResponse.of(200).header("Content-Type", "application/json").body(body);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.localAddress().getPort() + path;
    }

    @Test
    void curlCompressedGetsBackWhatTheHandlerAnswered() throws Exception {
        HttpTestSupport.requireCurl();
        for (String[] k : new String[][] {{"/json", "content-length"}, {"/big", "transfer-encoding: chunked"},
                {"/stream", "transfer-encoding: chunked"}}) {
            String path = k[0];
            Path body = dir.resolve("body" + path.substring(1));
            Path headers = dir.resolve("headers" + path.substring(1));
            Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--max-time", "60", "--compressed",
                    "-D", headers.toString(), "-o", body.toString(), url(path)).redirectErrorStream(true).start();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl finished");
            assertEquals(0, curl.exitValue(), path + ": " + output);
            String head = Files.readString(headers).toLowerCase(Locale.ROOT);
            assertTrue(head.contains("content-encoding: gzip"), path + ": " + head);
            assertTrue(head.contains(k[1]), path + " framed by " + k[1] + ": " + head);
            assertArrayEquals(path.equals("/json") ? JSON : BIG, Files.readAllBytes(body),
                    path + ": curl's decompressed body is what the handler sent");
        }
    }

    @Test
    void curlUploadsAGzipFileAndTheHandlerReadsTheOriginal() throws Exception {
        HttpTestSupport.requireCurl();
        byte[] original = Gzip.json(8 * MIB);
        Path file = dir.resolve("upload.json.gz");
        Files.write(file, Gzip.gzip(original));
        Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--max-time", "60", "--data-binary", "@" + file,
                "-H", "Content-Encoding: gzip", "-H", "Content-Type: application/json", url("/upload"))
                .redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), answer);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
        assertEquals("{\"bytes\":" + original.length + ",\"sha256\":\"" + sha + "\"}", answer,
                "the handler read the 8 MiB decoded, not the " + Files.size(file) + " bytes sent");
    }

    @Test
    void aTenGibibyteGzipBombMadeAsItIsSentStopsAtTheLimit() throws Exception {
        SelectorLoop loop = (SelectorLoop) server.loops().get(0);
        long allocatedBefore = allocated(loop.thread());
        long[] input = {0};
        long[] sent = {0};
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
            socket.setSoTimeout(30_000);
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readAll(socket, reply));
            OutputStream out = socket.getOutputStream();
            try {
                out.write(("POST /bomb HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                sendBomb(out, 10L << 30, input, sent);
            } catch (IOException e) {
                // The server refused the body and closed: what the client sees of that is a reset or a broken pipe.
            }
            reader.get(30, TimeUnit.SECONDS);
        }
        assertTrue(input[0] < 10L << 30, "the server stopped the upload: the client had made " + input[0] / MIB
                + " MiB of zeros (" + sent[0] / 1024 + " KiB compressed) of the 10 GiB when it could send no more");
        assertEquals(0, bombHandled.get(), "the handler never ran");
        String text = reply.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 413 "), "if the answer arrived before the reset, it is 413: " + text);
        // Memory: the loop inflated at most the 8 MiB limit into a body array that doubled up to it; 10 GiB inflated
        // would be a thousand times that.
        long allocated = allocated(loop.thread()) - allocatedBefore;
        System.out.printf("gzip bomb: the client made %d MiB of zeros (%d KiB compressed) before the server stopped it;"
                + " the loop allocated %d MiB; the answer: %s%n", input[0] / MIB, sent[0] / 1024, allocated / MIB,
                text.isEmpty() ? "(lost to the reset)" : text.lines().findFirst().orElse(""));
        assertTrue(allocated < 64L * MIB, "the server's loop allocated " + allocated / MIB + " MiB for the bomb");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
        assertEquals(0, server.memoryBudget().used(), "the body's memory went back");
        assertEquals(0, onLoop(loop, () -> ZlibPool.of(loop).inflaters()), "the inflater was ended");
    }

    /** Writes a gzip stream of {@code zeros} zero bytes in chunks, compressing them as it goes. */
    private static void sendBomb(OutputStream out, long zeros, long[] input, long[] sent) throws IOException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            byte[] block = new byte[MIB];
            byte[] compressed = new byte[64 * 1024];
            writeChunk(out, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 10, sent);
            while (input[0] < zeros) {
                deflater.setInput(block);
                input[0] += block.length;
                while (!deflater.needsInput()) {
                    int n = deflater.deflate(compressed);
                    if (n > 0) {
                        writeChunk(out, compressed, n, sent);
                    }
                }
            }
        } finally {
            deflater.end();
        }
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int n, long[] sent) throws IOException {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, n);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sent[0] += n;
    }

    private static void readAll(Socket socket, ByteArrayOutputStream into) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (into) {
                    into.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // a reset ends the reply
        }
    }

    private static <T> T onLoop(EventLoop loop, java.util.function.Supplier<T> what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> result.complete(what.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Bytes {@code thread} allocated so far (HotSpot's counter, by reflection: the module does not read java.management). */
    private static long allocated(Thread thread) throws ReflectiveOperationException {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) allocated.invoke(threads, thread.getId());
    }
}
